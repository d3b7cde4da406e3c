"""Search as you type over 100,000 clients, in the service layer.

The baseline is a raw sqlite3 query for the first page of the list in name order on the same
file: the cheapest thing the list could possibly ask of the database.
"""

from __future__ import annotations

import sqlite3
import statistics
import tempfile
import time
from pathlib import Path

from benchmarks.figures import Figure

# What a front desk types: name starts of growing length, two-word names, phone tails, dates,
# email starts, and misses.
QUERIES = (
    "m", "ma", "mar", "mari", "k", "ko", "kov", "s", "sa", "san", "li", "lin", "to", "tom",
    "an", "ana", "el", "ele", "ra", "ram", "ma ko", "ana s", "li ta", "be ro",
    "555", "0134", "4421", "7946", "1985", "1985-03", "1970-07-01", "12/03/1985",
    "ma@", "anna.", "zz", "qqq", "xylo", "nobody", "j", "jo",
)


def _median_ms(action, repeats: int) -> float:
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        action()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def measure(count: int = 100_000, repeats: int = 5) -> Figure:
    from studio.db import open_database
    from studio.services import clients
    from studio.services.demo import generate_clients

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "studio.sqlite"
        database = open_database(path, create=True)
        with database.session_factory.begin() as session:
            generate_clients(session, count)
        with database.engine.connect() as conn:
            conn.exec_driver_sql("ANALYZE")
        service_times = []
        with database.session_factory() as session:
            for text in QUERIES:
                service_times.append(
                    _median_ms(lambda t=text: clients.search(session, t, limit=101), repeats)
                )
        database.close()
        raw = sqlite3.connect(path)
        baseline = _median_ms(
            lambda: raw.execute(
                "SELECT id, first_name, last_name FROM client WHERE archived_at IS NULL ORDER BY sort_key, id LIMIT 101"
            ).fetchall(),
            repeats * len(QUERIES),
        )
        raw.close()
    worst = max(service_times)
    return Figure(
        "client_search",
        statistics.median(service_times),
        "ms",
        baseline,
        20.0,
        "value",
        f"median over {len(QUERIES)} typed queries on {count:,} clients (slowest {worst:.1f} ms)",
    )
