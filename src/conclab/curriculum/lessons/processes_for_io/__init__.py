"""The lesson ``processes-for-io``: its example, its lab and its prose (see :mod:`conclab.curriculum.lessons`)."""
