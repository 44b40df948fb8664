"""The example code of each lab: plain modules a learner could have written.

``conclab show LAB`` prints these files; each can also be run on its own with
``python -m conclab.curriculum.examples.NAME``.
"""
