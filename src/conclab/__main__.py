"""``python -m conclab`` runs the same command line as the ``conclab`` script."""

from conclab.cli import main

if __name__ == "__main__":
    main()
