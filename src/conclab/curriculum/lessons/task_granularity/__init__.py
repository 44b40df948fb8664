"""The lesson ``task-granularity``: its example, its lab and its prose (see :mod:`conclab.curriculum.lessons`)."""
