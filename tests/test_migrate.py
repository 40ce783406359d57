"""The migration runner: re-running is a no-op, a changed applied file is refused, demo data loads repeatably."""

import hashlib
import os
import shutil

import psycopg
import pytest
from psycopg.conninfo import make_conninfo

from marquee import migrate as migrate_mod
from marquee.migrate import MigrationError, migrate
from testing.services import TEST_ADMIN_TOKEN, drop_database

BASE_URL = os.environ.get("TEST_DATABASE_SERVER", "postgresql://postgres@127.0.0.1:5432/postgres")
SCRATCH_DB = os.environ.get("MARQUEE_TEST_DB", "marquee_test") + "_migrate"


def _snapshot(url: str) -> dict:
    with psycopg.connect(url) as conn:
        return {
            "migrations": conn.execute(
                "SELECT filename, checksum, applied_at FROM booking_meta.schema_migrations ORDER BY filename"
            ).fetchall(),
            "functions": conn.execute(
                """SELECT count(*) FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
                    WHERE n.nspname = 'booking'"""
            ).fetchone()[0],
        }


@pytest.fixture
def scratch_url():
    """A database of our own (created by migrate itself), for changes other tests must not see."""
    drop_database(BASE_URL, SCRATCH_DB)
    yield make_conninfo(BASE_URL, dbname=SCRATCH_DB)
    drop_database(BASE_URL, SCRATCH_DB)


def test_migrate_twice_is_a_noop(db_url):
    before = _snapshot(db_url)
    assert [m[0] for m in before["migrations"]][:1] == ["001_core.sql"]
    migrate(db_url, quiet=True, admin_token=TEST_ADMIN_TOKEN)  # the session's token: its API servers keep working
    after = _snapshot(db_url)
    assert after["migrations"] == before["migrations"], "no schema file may be applied or re-recorded twice"
    assert after["functions"] == before["functions"] > 0
    with psycopg.connect(db_url) as conn:
        assert conn.execute("SELECT to_regprocedure('booking.hold(uuid,text[],text,integer,text,text)') IS NOT NULL").fetchone()[0]


def test_changed_applied_schema_file_is_refused(db_url, tmp_path, monkeypatch):
    schema = tmp_path / "schema"
    shutil.copytree(migrate_mod.SCHEMA_DIR, schema)
    with open(schema / "001_core.sql", "a") as f:
        f.write("\n-- an edit after the file was applied\n")
    monkeypatch.setattr(migrate_mod, "SCHEMA_DIR", schema)
    before = _snapshot(db_url)
    with pytest.raises(MigrationError, match="001_core.sql was changed"):
        migrate(db_url, quiet=True)
    assert _snapshot(db_url) == before
    assert migrate_mod.main(["--database-url", db_url]) == 1, "the CLI exits non-zero on a refused migration"


def test_new_schema_file_applies_once_in_order(scratch_url, tmp_path, monkeypatch):
    schema = tmp_path / "schema"
    shutil.copytree(migrate_mod.SCHEMA_DIR, schema)
    (schema / "999_probe.sql").write_text("CREATE TABLE booking.migration_probe (id int);\n")
    monkeypatch.setattr(migrate_mod, "SCHEMA_DIR", schema)
    migrate(scratch_url, quiet=True)  # creates the database too
    migrate(scratch_url, quiet=True)
    with psycopg.connect(scratch_url) as conn:
        names = [r[0] for r in conn.execute("SELECT filename FROM booking_meta.schema_migrations ORDER BY applied_at, filename")]
        assert names[0] == "001_core.sql" and names[-1] == "999_probe.sql"
        assert names.count("999_probe.sql") == 1
        assert conn.execute("SELECT to_regclass('booking.migration_probe') IS NOT NULL").fetchone()[0]


def test_broken_schema_file_is_rolled_back(scratch_url, tmp_path, monkeypatch):
    schema = tmp_path / "schema"
    shutil.copytree(migrate_mod.SCHEMA_DIR, schema)
    (schema / "999_broken.sql").write_text("CREATE TABLE booking.half_done (id int);\nSELECT 1/0;\n")
    monkeypatch.setattr(migrate_mod, "SCHEMA_DIR", schema)
    with pytest.raises(psycopg.errors.DivisionByZero):
        migrate(scratch_url, quiet=True)
    with psycopg.connect(scratch_url) as conn:
        assert conn.execute("SELECT to_regclass('booking.half_done')").fetchone()[0] is None, "each file is one transaction"
        assert conn.execute("SELECT count(*) FROM booking_meta.schema_migrations WHERE filename = '999_broken.sql'").fetchone()[0] == 0


DEMO_COUNTS = """SELECT (SELECT count(*) FROM booking.cinemas), (SELECT count(*) FROM booking.auditoriums),
                        (SELECT count(*) FROM booking.seats), (SELECT count(*) FROM booking.movies),
                        (SELECT count(*) FROM booking.showtimes), (SELECT count(*) FROM booking.prices),
                        (SELECT count(*) FROM booking.promo_codes)"""


def test_demo_loads_twice_without_duplicates(scratch_url):
    migrate(scratch_url, demo=True, quiet=True)
    with psycopg.connect(scratch_url) as conn:
        first = conn.execute(DEMO_COUNTS).fetchone()
    migrate(scratch_url, demo=True, quiet=True)
    with psycopg.connect(scratch_url) as conn:
        assert conn.execute(DEMO_COUNTS).fetchone() == first
        cinemas, auditoriums, _, movies, _, _, _ = first
        assert cinemas == 2 and auditoriums >= 3 and movies >= 6
        zones = {r[0] for r in conn.execute("SELECT time_zone FROM booking.cinemas")}
        assert zones == {"America/New_York", "Europe/London"}
        assert conn.execute(
            "SELECT max(n) FROM (SELECT count(*) AS n FROM booking.seats GROUP BY auditorium_id) t"
        ).fetchone()[0] >= 300
        assert conn.execute(
            """SELECT count(*) FROM booking.auditoriums a
                WHERE EXISTS (SELECT 1 FROM booking.seats s WHERE s.auditorium_id = a.id AND s.seat_type = 'WHEELCHAIR')
                  AND EXISTS (SELECT 1 FROM booking.seats s WHERE s.auditorium_id = a.id AND NOT s.is_active)"""
        ).fetchone()[0] >= 1
        # every cinema has showtimes on each local day from today to today + 7
        days = conn.execute(
            """SELECT c.name, count(DISTINCT booking.local_date(st.starts_at, c.time_zone))
                 FROM booking.cinemas c JOIN booking.auditoriums a ON a.cinema_id = c.id
                 JOIN booking.showtimes st ON st.auditorium_id = a.id
                WHERE booking.local_date(st.starts_at, c.time_zone)
                      BETWEEN booking.cinema_today(c.id) AND booking.cinema_today(c.id) + 7
                GROUP BY c.name"""
        ).fetchall()
        assert sorted(n for _, n in days) == [8, 8]
        assert conn.execute("SELECT kind::text, value FROM booking.promo_codes WHERE code = 'SAVE20'").fetchone() == ("PERCENT", 20)


def test_engine_settings_follow_the_environment(scratch_url, monkeypatch):
    def ttl() -> str:
        with psycopg.connect(scratch_url) as conn:
            return conn.execute("SELECT value FROM booking.settings WHERE key = 'hold_ttl_seconds'").fetchone()[0]

    monkeypatch.setenv("HOLD_TTL_SECONDS", "45")
    migrate(scratch_url, quiet=True)
    assert ttl() == "45"
    monkeypatch.delenv("HOLD_TTL_SECONDS")  # unset again: back to the documented default, not the stale 45
    migrate(scratch_url, quiet=True)
    assert ttl() == "300"
    monkeypatch.setenv("HOLD_TTL_SECONDS", "five minutes")
    with pytest.raises(SystemExit):
        migrate(scratch_url, quiet=True)
    assert ttl() == "300"


def test_the_bootstrap_key_follows_admin_token(scratch_url):
    """ADMIN_TOKEN of the last migrate is the one live bootstrap OWNER key, stored as SHA-256 only."""
    def live(url):
        with psycopg.connect(url) as conn:
            return conn.execute("SELECT key_hash, name FROM booking.api_keys WHERE is_bootstrap AND revoked_at IS NULL"
                                ).fetchall()
    migrate(scratch_url, quiet=True, admin_token="first-token")
    assert live(scratch_url) == [(hashlib.sha256(b"first-token").digest(), "ADMIN_TOKEN (bootstrap)")]
    migrate(scratch_url, quiet=True, admin_token="second-token")
    assert live(scratch_url) == [(hashlib.sha256(b"second-token").digest(), "ADMIN_TOKEN (bootstrap)")]
    with psycopg.connect(scratch_url) as conn:
        assert conn.execute("SELECT count(*) FROM booking.api_keys WHERE is_bootstrap AND revoked_at IS NOT NULL"
                            ).fetchone()[0] == 1, "the previous token is revoked, not deleted (the audit log names it)"
