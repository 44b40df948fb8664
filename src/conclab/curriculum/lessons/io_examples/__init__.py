"""The lesson ``io-examples``: its example, its lab and its prose (see :mod:`conclab.curriculum.lessons`)."""
