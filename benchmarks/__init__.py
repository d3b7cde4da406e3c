"""Upright's performance budget (DESIGN.md section 6), measured against baselines in the same run.

`uv run python -m benchmarks` prints a table; `--json` prints one JSON object mapping each
figure's name to {"value", "unit", "baseline", "ratio", "budget"}. Benchmarks live apart from
the tests: these machines are noisy, so only ratios against a same-run baseline mean anything.
"""
