"""Keep PySide6 from holding the source text of every module imported after it.

Once PySide6 is imported, its import hook asks of every new module whether the module uses
PySide6 (for `from __feature__ import …`, which Upright doesn't use): it reads the module's
source with `inspect.getsource`, and `linecache` then keeps every line of it for the rest of
the process. For SQLAlchemy and the rest of the database layer that is some 7 MB of text, about
11 MB of memory, held for nothing (benchmarks: the `memory` figure). The answer here is the
same — does the source file name PySide6 — read straight from the file and let go.
"""

from __future__ import annotations

import sys

FEATURE_MODULE = "PySide6.support.feature"  # PySide6's own name for shibokensupport/feature.py


def uses_pyside(module) -> bool:
    """PySide6's test (the source mentions "PySide6"), without keeping the source: a module
    without a .py file (built in, compiled, frozen) has none to read and doesn't."""
    path = getattr(module, "__file__", None)
    if not isinstance(path, str) or not path.endswith(".py"):
        return False
    try:
        with open(path, "rb") as source:
            return b"PySide6" in source.read()
    except OSError:
        return False


def keep_sources_out_of_memory() -> bool:
    """Put `uses_pyside` in place of PySide6's check; True when it is in place. Does nothing
    before PySide6 is imported, or on a PySide6 without that check."""
    feature = sys.modules.get(FEATURE_MODULE)
    if feature is None or not callable(getattr(feature, "_mod_uses_pyside", None)):
        return False
    feature._mod_uses_pyside = uses_pyside
    return True
