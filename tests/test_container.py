"""The container console of the README: built with podman, the two-terminal flow through a published port.

The server runs in the container (``python main.py``, which reads ``HOST=0.0.0.0``
from the image); curl runs on the host against the published port, as the
seed's participants did. Needs podman and a Debian base image: this test
builds from ``CONCLAB_CONTAINER_BASE`` (default ``localhost/conclab-debian-base``,
made offline with ``debootstrap --variant=minbase bookworm`` and ``podman import``),
installs conclab's dependencies from ``CONCLAB_WHEELHOUSE`` (or from the index
with ``CONCLAB_CONTAINER_ONLINE=1``), and is skipped otherwise: it takes minutes.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import time
from pathlib import Path

import pytest

from conclab.curriculum.handson import HANDSONS

ROOT = Path(__file__).parent.parent
BASE = os.environ.get("CONCLAB_CONTAINER_BASE", "localhost/conclab-debian-base")
#: a folder of wheels (conclab's dependencies, setuptools, wheel) for a build with no index reachable
WHEELHOUSE = os.environ.get("CONCLAB_WHEELHOUSE")
IMAGE = "localhost/conclab-test"
#: this sandbox lets no container raise its limits, and crun fails on its cgroups (see the README)
RUN = ["podman", "--runtime", "runc", "run", "--ulimit", "nofile=1024:1024", "--ulimit", "nproc=4096:4096"]


def _have_base() -> bool:
    """podman, curl and the base image, and a way to install conclab's dependencies in the build."""
    if shutil.which("podman") is None or shutil.which("curl") is None:
        return False
    if not WHEELHOUSE and os.environ.get("CONCLAB_CONTAINER_ONLINE") != "1":
        return False
    return subprocess.run(["podman", "image", "exists", BASE], capture_output=True).returncode == 0


pytestmark = pytest.mark.skipif(not _have_base(), reason=(
    f"needs podman, curl, the base image {BASE}, and CONCLAB_WHEELHOUSE or CONCLAB_CONTAINER_ONLINE=1"))


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _logs(name: str) -> str:
    return subprocess.run(["podman", "logs", name], capture_output=True, text=True).stdout


def _build(tmp_path: Path) -> None:
    """``podman build`` of the repository's Dockerfile; offline from ``CONCLAB_WHEELHOUSE`` when given."""
    context, options = ROOT, []
    if WHEELHOUSE:
        context = tmp_path / "context"
        context.mkdir()
        for name in ("Dockerfile", ".dockerignore", "pyproject.toml", "README.md", "README.ja.md"):
            shutil.copy(ROOT / name, context / name)
        shutil.copytree(ROOT / "src", context / "src", ignore=shutil.ignore_patterns("__pycache__", "*.egg-info"))
        shutil.copytree(WHEELHOUSE, context / "wheels")
        options = ["--build-arg", "PIP_INSTALL_OPTIONS=--no-index --find-links /opt/conclab-src/wheels"]
    built = subprocess.run(["podman", "build", "--build-arg", f"BASE={BASE}", *options, "-t", IMAGE, str(context)],
                           capture_output=True, text=True, timeout=1200)
    assert built.returncode == 0, built.stdout[-2000:] + built.stderr[-2000:]


def test_server_in_the_container_curl_from_the_host(tmp_path: Path) -> None:
    _build(tmp_path)
    (tmp_path / "work").mkdir()
    tmp_path = tmp_path / "work"
    (tmp_path / "main.py").write_text(HANDSONS[0].step(2).code, encoding="utf-8")
    port, name = _free_port(), f"conclab-test-{os.getpid()}"
    subprocess.run([*RUN, "-d", "--name", name, "-p", f"{port}:8000", "-v", f"{tmp_path}:/work", IMAGE,
                    "python", "main.py"], check=True, capture_output=True, timeout=120)
    try:
        deadline = time.monotonic() + 30
        while "serving at port 8000" not in _logs(name) and time.monotonic() < deadline:
            time.sleep(0.2)
        shell = subprocess.run(["sh", "-c", f"for i in 1 2 3; do curl -s localhost:{port} & done; wait"],
                               capture_output=True, text=True, timeout=60)
        assert shell.stdout.count("Hello! request count=1") == 3
        assert _logs(name).count("before request count = 0") == 3
        check = subprocess.run(["podman", "exec", "-e", "CONCLAB_LANG=en", name, "conclab", "handson",
                                "web-counter", "2", "--check"], capture_output=True, text=True, timeout=120)
        assert check.returncode == 0, check.stdout + check.stderr
        assert "Firing 3 requests at once at your server on port 8000" in check.stdout
    finally:
        subprocess.run(["podman", "rm", "-f", name], capture_output=True, timeout=60)
