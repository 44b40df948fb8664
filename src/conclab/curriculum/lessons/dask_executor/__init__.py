"""The lesson ``dask-executor``: its example, its lab and its prose (see :mod:`conclab.curriculum.lessons`)."""
