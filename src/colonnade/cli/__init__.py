"""The ``colonnade`` command line."""
