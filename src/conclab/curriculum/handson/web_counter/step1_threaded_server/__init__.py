"""One step of the web-counter hands-on: main.py, statement, hints, wrong variants."""
