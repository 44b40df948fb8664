"""Exercise lock_only_increment: the hands-on's final step, checked like any exercise."""
