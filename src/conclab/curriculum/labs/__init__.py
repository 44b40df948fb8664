"""One module per lab (or per small family of labs); each defines ``LAB`` or ``LABS``."""
