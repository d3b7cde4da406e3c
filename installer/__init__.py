"""Building Upright's installers (never part of the installed program): see installer/README.md."""
