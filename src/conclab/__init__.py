"""conclab: a hands-on lab for learning concurrency and parallelism in Python.

The engine's public surface is five packages, each with its ``__all__``:
``conclab.lab`` (labs, claims, the runner, reports), ``conclab.timeline`` (span
recorder and renderers), ``conclab.explore`` (the interleaving explorer),
``conclab.exercises`` (workspace, checker, progress) and ``conclab.services``
(the practice and counter servers, the load client). ``conclab.curriculum`` is
the content built on them and ``conclab.cli`` the command line; modules whose
names start with ``_`` are private to their package.
"""

__version__ = "0.1.0"

__all__ = ["__version__"]
