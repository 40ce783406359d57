"""The shape of the code, checked: import directions (import-linter contracts in pyproject.toml), one module that
reads the environment, one query loader, every documented setting."""

import os
import re
import subprocess
import sys
from pathlib import Path

import psycopg
import pytest

from marquee.settings import ENGINE_KEYS, Settings, load
from testing import schema

ROOT = Path(__file__).resolve().parent.parent
CONFIG_DOC = ROOT / "docs" / "configuration.md"


def test_import_contracts_hold():
    lint = Path(sys.executable).with_name("lint-imports")
    out = subprocess.run([str(lint), "--config", str(ROOT / "pyproject.toml")], cwd=ROOT, capture_output=True,
                         text=True, timeout=120)
    assert out.returncode == 0, out.stdout[-3000:] + out.stderr[-2000:]
    assert "0 broken" in out.stdout


def test_only_the_settings_module_reads_the_environment():
    readers = [str(p.relative_to(ROOT)) for p in (ROOT / "marquee").rglob("*.py")
               if re.search(r"os\.environ|os\.getenv|getenv\(|pydantic_settings", p.read_text())]
    assert readers == ["marquee/settings.py"]  # through pydantic-settings' BaseSettings


def test_one_query_loader():
    loaders = [str(p.relative_to(ROOT)) for p in (ROOT / "marquee").rglob("*.py")
               if re.search(r"-- ?name:|re\.split\(", p.read_text())]
    assert loaders == ["marquee/db.py"], loaders
    # the migration runner manages its own bookkeeping tables; everything else runs named queries
    sql_in_python = [str(p.relative_to(ROOT)) for p in (ROOT / "marquee").rglob("*.py") if p.name != "migrate.py"
                     and re.search(r"[\"'](SELECT|INSERT|UPDATE|DELETE|LISTEN|WITH)\s", p.read_text())]
    assert sql_in_python == [], "queries live in the domain's queries.sql"


def _documented() -> dict[str, str]:
    """Variable -> its documented default (backticks and a trailing remark in parentheses dropped)."""
    out = {}
    for line in CONFIG_DOC.read_text().splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) >= 3 and re.fullmatch(r"`[A-Z][A-Z0-9_]+`", cells[0]):
            default = re.sub(r"\s*\([^()]*\)\s*$", "", cells[1]).replace("`", "").strip()
            out[cells[0].strip("`")] = default
    return out


def _expected(name: str, field) -> str:
    extra = field.json_schema_extra or {}
    if "doc_default" in extra:
        return extra["doc_default"]
    value = field.default
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, float):
        return f"{value:g}"
    return "empty" if value in ("", ()) else str(value)


def test_every_variable_is_documented_with_its_default():
    documented = _documented()
    missing = [n.upper() for n in Settings.model_fields if n.upper() not in documented]
    assert missing == [], f"add a row to docs/configuration.md for {missing}"
    wrong = {n.upper(): (documented[n.upper()], _expected(n, f)) for n, f in Settings.model_fields.items()
             if _expected(n, f) != "booking.settings" and documented[n.upper()] != _expected(n, f)}
    assert wrong == {}, "documented default != the settings module's (doc, code)"


def test_engine_defaults_are_documented_as_sql_defines_them(db_url):
    documented = _documented()
    with psycopg.connect(db_url) as conn:
        rows = conn.execute("SELECT env_var, key, default_value FROM booking.settings WHERE env_var IS NOT NULL").fetchall()
    assert {env: key for env, key, _ in rows} == ENGINE_KEYS, "settings.ENGINE_KEYS and sql/functions/02_settings.sql"
    wrong = {env: (documented.get(env), default) for env, _, default in rows if documented.get(env) != default}
    assert wrong == {}, "docs/configuration.md's default != booking.settings.default_value (doc, SQL)"


def test_a_bad_value_names_the_variable(monkeypatch):
    monkeypatch.setenv("PORT", "eighty")
    with pytest.raises(SystemExit, match="PORT"):
        load()


def test_schema_snapshot_matches_a_fresh_migrate():
    server = os.environ.get("TEST_DATABASE_SERVER", "postgresql://postgres@127.0.0.1:5432/postgres")
    dbname = os.environ.get("MARQUEE_TEST_DB", "marquee_test") + "_snapshot"
    url = schema.fresh(server, dbname)
    try:
        text, codes = schema.dump(url), schema.error_codes(url)
        errors_doc = schema.errors_doc(url, schema.ERRORS_DOC.read_text())
    finally:
        schema.drop(server, dbname)
    assert schema.SNAPSHOT.read_text() == text, "sql/schema.sql is stale: run `make schema` and commit it"
    # the OpenAPI document takes its error statuses from this snapshot of booking.error_codes
    assert schema.ERROR_CODES.read_text() == codes, "marquee/http/error_codes.json is stale: run `make schema`"
    # issue 22: docs/errors.md lists every code of the catalogue and what each function raises, as generated
    assert schema.ERRORS_DOC.read_text() == errors_doc, "docs/errors.md is stale: run `make schema` and commit it"
