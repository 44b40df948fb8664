"""The lesson ``event``: its example, its lab and its prose (see :mod:`conclab.curriculum.lessons`)."""
