"""The lesson ``fork-vs-thread``: its example, its lab and its prose (see :mod:`conclab.curriculum.lessons`)."""
