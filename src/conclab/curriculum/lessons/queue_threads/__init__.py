"""The lesson ``queue-threads``: its example, its lab and its prose (see :mod:`conclab.curriculum.lessons`)."""
