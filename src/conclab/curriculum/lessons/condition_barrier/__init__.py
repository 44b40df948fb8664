"""The lesson ``condition-barrier``: its example, its lab and its prose (see :mod:`conclab.curriculum.lessons`)."""
