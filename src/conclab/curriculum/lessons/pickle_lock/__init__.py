"""The lesson ``pickle-lock``: its example, its lab and its prose (see :mod:`conclab.curriculum.lessons`)."""
