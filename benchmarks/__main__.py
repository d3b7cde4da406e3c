"""`uv run python -m benchmarks [--json] [--only NAME …]`"""

from __future__ import annotations

import argparse
import json
import sys

from benchmarks import client_search, handout, startup

MEASURES = {"startup": startup.measure, "client_search": client_search.measure, "handout": handout.measure}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__)
    parser.add_argument("--json", action="store_true", help="print one JSON object instead of a table")
    parser.add_argument("--only", nargs="+", choices=sorted(MEASURES), help="measure only these figures")
    args = parser.parse_args(argv)
    figures = [MEASURES[name]() for name in (args.only or MEASURES)]
    if args.json:
        print(json.dumps({f.name: f.as_json() for f in figures}, indent=2))
        return 0
    print(f"{'figure':<15}{'value':>11}{'baseline':>11}{'ratio':>8}  {'budget':<14}{'ok':<5}how")
    for f in figures:
        budget = f"ratio ≤ {f.budget:g}" if f.budget_on == "ratio" else f"≤ {f.budget:g} {f.unit}"
        print(
            f"{f.name:<15}{f.value:>9.3f}{f.unit:>2}{f.baseline:>9.3f}{f.unit:>2}{f.ratio:>8.2f}  "
            f"{budget:<14}{'yes' if f.within_budget else 'NO':<5}{f.note}"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
