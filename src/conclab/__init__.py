"""conclab: a hands-on lab for learning concurrency and parallelism in Python.

The public surface is small on purpose: ``conclab.timeline`` (span recorder and
renderers), ``conclab.lab`` (labs, claims, the runner) and ``conclab.explore``
(the interleaving explorer). Everything else is private to the command line.
"""

__version__ = "0.1.0"

__all__ = ["__version__"]
