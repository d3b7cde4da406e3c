"""`uv run python -m benchmarks [--json] [--only NAME …] [--profile]`

Every figure of the performance budget (DESIGN.md section 6) and more, each against a baseline
measured in the same run. `history` gives three figures (the Client list, Assessment tab and
Program tab for a client with 10 years of history). `frozen_startup` builds the PyInstaller
folders it times on its first run (about a minute; cached in build/benchmarks/). With --profile, no figures: each chosen
measurement's action runs once under cProfile (memory: where the memory went) and the top
entries are printed; the full listings go to build/benchmarks/profiles/.
"""

from __future__ import annotations

import argparse
import json
import sys

from benchmarks import (
    client_search,
    existing_profiles,
    frozen_startup,
    handout,
    handout_batch,
    history,
    memory,
    startup,
)
from benchmarks.figures import Figure

MEASURES = {
    "startup": startup.measure,
    "frozen_startup": frozen_startup.measure,
    "client_search": client_search.measure,
    "handout": handout.measure,
    "history": history.measure,
    "handout_batch": handout_batch.measure,
    "memory": memory.measure,
}
PROFILES = {
    "startup": existing_profiles.startup,
    "frozen_startup": frozen_startup.profile,
    "client_search": existing_profiles.client_search,
    "handout": existing_profiles.handout,
    "history": history.profile,
    "handout_batch": handout_batch.profile,
    "memory": memory.profile,
}
NAME_WIDTH = 24


def _figures(result: Figure | list[Figure]) -> list[Figure]:
    return [result] if isinstance(result, Figure) else list(result)


def table(figures: list[Figure]) -> str:
    lines = [f"{'figure':<{NAME_WIDTH}}{'value':>11}{'baseline':>11}{'ratio':>8}  {'budget':<14}{'ok':<5}how"]
    for f in figures:
        budget = f"ratio ≤ {f.budget:g}" if f.budget_on == "ratio" else f"≤ {f.budget:g} {f.unit}"
        lines.append(
            f"{f.name:<{NAME_WIDTH}}{f.value:>9.3f}{f.unit:>2}{f.baseline:>9.3f}{f.unit:>2}{f.ratio:>8.2f}  "
            f"{budget:<14}{'yes' if f.within_budget else 'NO':<5}{f.note}"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)  # fmt: skip
    parser.add_argument("--json", action="store_true", help="print one JSON object instead of a table")
    parser.add_argument("--only", nargs="+", choices=sorted(MEASURES), help="measure only these")
    parser.add_argument("--profile", action="store_true",
                        help="profile the chosen measurements' actions instead of measuring them")  # fmt: skip
    args = parser.parse_args(argv)
    chosen = args.only or list(MEASURES)
    if args.profile:
        for name in chosen:
            print(f"== {name}", flush=True)
            print(PROFILES[name](), flush=True)
            print(flush=True)
        return 0
    figures = [figure for name in chosen for figure in _figures(MEASURES[name]())]
    if args.json:
        print(json.dumps({f.name: f.as_json() for f in figures}, indent=2))
        return 0
    print(table(figures))
    return 0


if __name__ == "__main__":
    sys.exit(main())
