"""The frozen `upright-admin` command line, beside `upright` in the same folder: PyInstaller runs
this file as __main__ (installer/upright.spec). It loads no Qt."""

import sys

from ui.cli import main

if __name__ == "__main__":
    sys.exit(main())
