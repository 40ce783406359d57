"""Schemathesis against our OpenAPI document, all phases and all checks, with 0 failures.

The run is schemathesis' own CLI (`schemathesis run --checks all`) against an API server of its own, on a database
of its own (the demo data in a fresh migrate: the fuzzer creates hundreds of cinemas, movies and promo codes that
other tests must not see). The project's schemathesis.toml says what the document cannot state (413 for a body
over MAX_BODY_BYTES), testing/schemathesis_hooks.py adds the documented-error-code check and teaches the generator
two rules JSON Schema cannot express. `make test` runs a moderate number of examples with a fixed seed;
`make fuzz` runs many more with a random seed:

    MARQUEE_FUZZ_EXAMPLES=500 MARQUEE_FUZZ_SEED=random pytest tests/api/test_schemathesis.py -s
"""

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from testing.services import ApiServer, drop_database
from marquee.migrate import migrate

ROOT = Path(__file__).resolve().parents[2]
BASE_URL = os.environ.get("TEST_DATABASE_SERVER", "postgresql://postgres@127.0.0.1:5432/postgres")
EXAMPLES = int(os.environ.get("MARQUEE_FUZZ_EXAMPLES", "60"))
SEED = os.environ.get("MARQUEE_FUZZ_SEED", "17")  # "random": schemathesis picks one (and prints it)
TOKEN = "fuzz-admin-token"


@pytest.fixture(scope="module")
def fuzz_api(tmp_path_factory, fake_stripe):  # noqa: F811 - the session's fake Stripe
    dbname = os.environ.get("MARQUEE_TEST_DB", "marquee_test") + "_fuzz"
    from psycopg.conninfo import make_conninfo
    url = make_conninfo(BASE_URL, dbname=dbname)
    drop_database(BASE_URL, dbname)
    migrate(url, demo=True, quiet=True)
    api = ApiServer({"DATABASE_URL": url, "ADMIN_TOKEN": TOKEN, "RATE_LIMIT_PER_MINUTE": "0",
                     "STRIPE_API_BASE": fake_stripe.url, "STRIPE_MAX_NETWORK_RETRIES": "0",
                     "MAIL_DIR": str(tmp_path_factory.mktemp("fuzz-mail"))},
                    tmp_path_factory.mktemp("fuzz") / "api.log").start(timeout=60)
    yield api
    api.stop()
    drop_database(BASE_URL, dbname)


@pytest.mark.timeout(900)
def test_schemathesis_finds_nothing(fuzz_api):
    cmd = [str(Path(sys.executable).with_name("schemathesis")), "run", f"{fuzz_api.url}/schema/openapi.json",
           "--checks", "all", "--max-examples", str(EXAMPLES), "--workers", "1", "--request-timeout", "30",
           "-H", f"Authorization: Bearer {TOKEN}", "--output-truncate", "true"]
    if SEED != "random":
        cmd += ["--seed", SEED]
    env = {**os.environ, "SCHEMATHESIS_HOOKS": "testing.schemathesis_hooks", "PYTHONPATH": str(ROOT)}
    out = subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True, timeout=880)
    text = "\n".join(line for line in out.stdout.splitlines() if len(line) < 400)
    summary = text[text.rfind("= SUMMARY ="):] if "= SUMMARY =" in text else text[-3000:]
    print(summary)
    assert out.returncode == 0, text[-8000:] + out.stderr[-2000:] + fuzz_api.log_text()[-3000:]
    cases = re.search(r"(\d+) generated, (\d+) passed", summary)
    assert cases and cases.group(1) == cases.group(2), summary  # every generated case passed every check
    assert int(cases.group(1)) > 1000, summary
    assert not re.search(r"Failures:|Errors:", summary), summary
