"""The lesson ``dask-cluster``: its example, its lab and its prose (see :mod:`conclab.curriculum.lessons`)."""
