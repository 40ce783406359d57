"""Helpers shared by the benchmarks: a fresh migrated database per benchmark, percentiles."""

import os
import subprocess
import sys
from pathlib import Path

import psycopg

ROOT = Path(__file__).resolve().parent.parent
SERVER = os.environ.get("BENCH_SERVER", "postgresql://postgres@127.0.0.1:5432")


def fresh_database(name: str, demo: bool = False) -> str:
    """Drop and re-create database `name` on the bench server, migrate it; returns its URL."""
    with psycopg.connect(f"{SERVER}/postgres", autocommit=True) as conn:
        conn.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s", (name,))
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        conn.execute(f'CREATE DATABASE "{name}"')
    url = f"{SERVER}/{name}"
    cmd = [sys.executable, "-m", "api.migrate", "--database-url", url] + (["--demo"] if demo else [])
    subprocess.run(cmd, cwd=ROOT, check=True, stdout=subprocess.DEVNULL)
    return url


def pct(values: list[float], p: float) -> float | None:
    """p-th percentile in milliseconds (nearest rank), None for no values."""
    if not values:
        return None
    s = sorted(values)
    return round(s[min(len(s) - 1, max(0, int(round(p / 100 * len(s) + 0.5)) - 1))] * 1000, 1)
