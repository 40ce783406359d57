"""Helpers shared by the benchmarks: a fresh migrated database per benchmark, percentiles."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from testing.services import recreate_database  # noqa: E402

SERVER = os.environ.get("BENCH_SERVER", "postgresql://postgres@127.0.0.1:5432")


def fresh_database(name: str, demo: bool = False) -> str:
    """Drop and re-create database `name` on the bench server, migrate it; returns its URL."""
    url = recreate_database(f"{SERVER}/postgres", name)
    cmd = [sys.executable, "-m", "marquee.migrate", "--database-url", url] + (["--demo"] if demo else [])
    subprocess.run(cmd, cwd=ROOT, check=True, stdout=subprocess.DEVNULL)
    return url


def pct(values: list[float], p: float) -> float | None:
    """p-th percentile in milliseconds (nearest rank), None for no values."""
    if not values:
        return None
    s = sorted(values)
    return round(s[min(len(s) - 1, max(0, int(round(p / 100 * len(s) + 0.5)) - 1))] * 1000, 1)
