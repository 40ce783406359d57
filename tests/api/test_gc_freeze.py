"""The API freezes its startup objects out of the cyclic garbage collector (marquee/app/factory.py).

Without it every full collection walked the app's ~130,000 long-lived objects while the one event loop waited:
that was the p99 of every endpoint (SELECT 1 at 16 connections: ~100 ms, 22 ms frozen; docs/benchmarks.md, issue
16). Run in a process of its own: freezing is process-wide and must not leak into the test session.
"""

import json
import os
import subprocess
import sys

from marquee.settings import ROOT

_PROBE = """
import gc, json
from litestar.testing import TestClient
from marquee.app.factory import create_app
before = gc.get_freeze_count()
with TestClient(create_app()) as client:
    status = client.get("/health/live").status_code
    print(json.dumps({"before": before, "serving": gc.get_freeze_count(), "status": status}))
"""


def test_the_app_freezes_its_startup_objects_before_serving(db_url):
    env = {**os.environ, "DATABASE_URL": db_url, "QUEUE_ADMITTER": "off", "LOG_LEVEL": "warning"}
    out = subprocess.run([sys.executable, "-c", _PROBE], cwd=ROOT, env=env, capture_output=True, text=True,
                         timeout=120)
    assert out.returncode == 0, out.stderr[-2000:]
    probe = json.loads(out.stdout.strip().splitlines()[-1])
    assert probe["status"] == 200
    assert probe["before"] == 0
    # the app, its routes and schemas, the imported modules: tens of thousands of objects
    assert probe["serving"] > 20_000, probe
