"""The lesson ``asyncio-future``: its example, its lab and its prose (see :mod:`conclab.curriculum.lessons`)."""
