"""The lesson ``io-threads``: its example, its lab and its prose (see :mod:`conclab.curriculum.lessons`)."""
