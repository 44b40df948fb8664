"""The lesson ``cpu-gil``: its example, its lab and its prose (see :mod:`conclab.curriculum.lessons`)."""
