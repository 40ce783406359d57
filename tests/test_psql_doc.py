"""Issue 22: docs/psql.md runs top to bottom in psql with ON_ERROR_STOP on against a fresh `migrate --demo`
database: every ```sql block, in order, in one session. A block that switches ON_ERROR_STOP off is an example of
an error: the SQLSTATE it raised must be the one of the code its output block shows as HINT."""

import os
import re
import shutil
import subprocess
from pathlib import Path

import psycopg
import pytest
from psycopg.conninfo import make_conninfo

from marquee.migrate import migrate
from testing.services import drop_database

ROOT = Path(__file__).resolve().parent.parent
DOC = ROOT / "docs" / "psql.md"
BASE_URL = os.environ.get("TEST_DATABASE_SERVER", "postgresql://postgres@127.0.0.1:5432/postgres")
DOC_DB = os.environ.get("MARQUEE_TEST_DB", "marquee_test") + "_psqldoc"
PSQL = shutil.which("psql") or "/usr/lib/postgresql/15/bin/psql"
_FENCE = re.compile(r"^```(\w*)[^\n]*\n(.*?)^```", re.M | re.S)


def blocks(text: str) -> list[tuple[str, str]]:
    """(language, body) of every fenced block, in order."""
    return [(m[1], m[2]) for m in _FENCE.finditer(text)]


def script(text: str) -> tuple[str, list[str]]:
    """The psql script of the doc's sql blocks, with a check after each error example; the expected codes."""
    out, expected = [], []
    found = blocks(text)
    for i, (lang, body) in enumerate(found):
        if lang != "sql":
            continue
        if "\\set ON_ERROR_STOP off" in body:
            following = found[i + 1][1] if i + 1 < len(found) and found[i + 1][0] != "sql" else ""
            hint = re.search(r"^HINT:\s+([A-Z_]+)", following, re.M)
            assert hint, f"error example without an output block showing its HINT:\n{body}"
            expected.append(hint[1])
            out += ["\\set LAST_ERROR_SQLSTATE none", body, f"\\echo DOCCHECK {hint[1]} :LAST_ERROR_SQLSTATE"]
        else:
            out.append(body)
    return "\n".join(out) + "\n", expected


def test_every_error_example_is_wrapped_and_shown():
    sql_blocks = [body for lang, body in blocks(DOC.read_text()) if lang == "sql"]
    assert sql_blocks[0].split() == ["\\set", "ON_ERROR_STOP", "on", "\\set", "VERBOSITY", "verbose",
                                     "\\set", "SHOW_CONTEXT", "never"]
    for body in sql_blocks:
        assert body.count("ON_ERROR_STOP off") == body.count("ON_ERROR_STOP on") - (body is sql_blocks[0]), body
    assert "\\dd booking" not in DOC.read_text().replace("psql's `\\dd` never", "")


@pytest.fixture(scope="module")
def fresh_demo():
    drop_database(BASE_URL, DOC_DB)
    url = make_conninfo(BASE_URL, dbname=DOC_DB)
    migrate(url, demo=True, quiet=True)
    yield url
    drop_database(BASE_URL, DOC_DB)


def test_psql_md_runs_top_to_bottom(fresh_demo, tmp_path):
    text, expected = script(DOC.read_text())
    assert len(expected) >= 5
    path = tmp_path / "psql_md.sql"
    path.write_text(text)
    run = subprocess.run([PSQL, "-X", "-v", "ON_ERROR_STOP=1", "-f", str(path), fresh_demo],
                         capture_output=True, text=True, timeout=300, env={**os.environ, "PAGER": "", "PSQL_PAGER": ""})
    assert run.returncode == 0, f"psql stopped:\n{run.stderr[-3000:]}"
    checks = re.findall(r"^DOCCHECK (\S+) (\S+)$", run.stdout, re.M)
    assert [code for code, _ in checks] == expected
    with psycopg.connect(fresh_demo) as conn:
        states = dict(conn.execute("SELECT code, sqlstate FROM booking.error_codes").fetchall())
    assert [(code, got) for code, got in checks if states[code] != got] == []
