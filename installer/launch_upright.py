"""The frozen `upright` program: PyInstaller runs this file as __main__ (installer/upright.spec)."""

import sys

from ui.app import main

if __name__ == "__main__":
    sys.exit(main())
