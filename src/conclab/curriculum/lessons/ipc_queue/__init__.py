"""The lesson ``ipc-queue``: its example, its lab and its prose (see :mod:`conclab.curriculum.lessons`)."""
