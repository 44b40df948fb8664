"""The lesson ``async-dirty-write``: its example, its lab and its prose (see :mod:`conclab.curriculum.lessons`)."""
