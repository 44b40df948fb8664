"""The lesson ``main-guard``: its example, its lab and its prose (see :mod:`conclab.curriculum.lessons`)."""
