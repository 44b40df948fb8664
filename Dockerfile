# The bootcamp's console: Python, conclab, curl, vim and nano, a /work volume, a Japanese locale.
#
#   docker build -t conclab .
#   docker run --name conclab -it -p 8000:8000 -v "$PWD":/work conclab
#
# BASE is any Debian-based image with python3 (the default is the Python image);
# the tests build it from a local Debian root made with debootstrap.
# PIP_INSTALL_OPTIONS installs offline from wheels put in the build context:
#   --build-arg PIP_INSTALL_OPTIONS="--no-index --find-links /opt/conclab-src/wheels"
ARG BASE=python:3.11-slim-bookworm
FROM ${BASE}
ARG PIP_INSTALL_OPTIONS=""

ENV DEBIAN_FRONTEND=noninteractive
RUN apt-get update \
 && apt-get install -y --no-install-recommends curl vim-tiny nano locales procps python3-venv \
 && sed -i 's/^# *ja_JP.UTF-8/ja_JP.UTF-8/; s/^# *en_US.UTF-8/en_US.UTF-8/' /etc/locale.gen \
 && locale-gen \
 && rm -rf /var/lib/apt/lists/*

COPY . /opt/conclab-src
RUN python3 -m venv /opt/conclab \
 && /opt/conclab/bin/pip install --no-cache-dir ${PIP_INSTALL_OPTIONS} /opt/conclab-src \
 && rm -rf /opt/conclab-src

# Japanese by default; `-e CONCLAB_LANG=en` switches conclab to English.
# CONCLAB_CONTAINER makes `conclab serve` listen on 0.0.0.0, and the hands-on's
# main.py reads HOST, so `-p 8000:8000` reaches them from the host.
ENV PATH=/opt/conclab/bin:$PATH \
    LANG=ja_JP.UTF-8 \
    CONCLAB_LANG=ja \
    CONCLAB_CONTAINER=1 \
    HOST=0.0.0.0 \
    PYTHONUNBUFFERED=1
WORKDIR /work
VOLUME /work
EXPOSE 8000
CMD ["/bin/bash"]
