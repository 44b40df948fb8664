"""The lesson ``data-race``: its example, its lab and its prose (see :mod:`conclab.curriculum.lessons`)."""
