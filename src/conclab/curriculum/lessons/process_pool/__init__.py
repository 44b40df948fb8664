"""The lesson ``process-pool``: its example, its lab and its prose (see :mod:`conclab.curriculum.lessons`)."""
