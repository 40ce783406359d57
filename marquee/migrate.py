"""Migrate the database: ordered, checksummed schema files, then every function re-created.

    python -m marquee.migrate            # create the database if missing, migrate, load functions
    python -m marquee.migrate --demo     # ... and load the demo data

Schema files (sql/schema/NNN_name.sql) run once each, in order, each in its own transaction, and are
recorded in booking_meta.schema_migrations with a SHA-256 checksum. A file that changed after it was applied
stops the migration: write a new file instead. Everything in sql/functions (functions, views, triggers, grants)
is dropped and re-created in one transaction on every run, so it always matches the repository. Last, the engine
settings that have a variable (HOLD_TTL_SECONDS ...) are set to it, or to their default when it is unset, and the
bootstrap OWNER API key becomes SHA-256(ADMIN_TOKEN) of this environment (docs/security.md), and the reporting
aggregates, re-created with the functions, record that build (reporting.data_freshness is never empty). With --demo the demo data and three weeks
of past bookings are loaded, each optional (a part that fails is skipped and reported: the service still starts),
then the aggregates are refreshed, and (not in production) the demo operators are created, and their logins printed.

With MARQUEE_ENV=production it refuses to run when ADMIN_TOKEN is unset, the development default or shorter than
32 characters.
"""

import argparse
import hashlib
import json
import sys
from pathlib import Path

import psycopg
from psycopg import sql
from psycopg.conninfo import conninfo_to_dict, make_conninfo

from .checkin.keys import ensure_keys as ensure_ticket_keys
from .operators.demo import ensure_demo_operators
from .settings import ROOT, load

SCHEMA_DIR = ROOT / "sql" / "schema"
FUNCTIONS_DIR = ROOT / "sql" / "functions"
DEMO_FILE = ROOT / "sql" / "demo" / "demo.sql"
# Optional past bookings (made through the booking functions) so reports have history on first start
DEMO_HISTORY_FILE = ROOT / "sql" / "demo" / "history.sql"
# Schemas whose functions and views are derived objects, owned by sql/functions.
# reporting_cache holds the materialized aggregates behind the reporting views (sql/functions/80_reporting.sql).
DERIVED_SCHEMAS = ("booking", "booking_internal", "booking_ops", "reporting", "reporting_cache")
MIGRATION_LOCK = 7_300_001


class MigrationError(Exception):
    pass


def ensure_database(url: str) -> None:
    """Create the target database if it does not exist (connecting to the maintenance database): UTF8 with the
    C.UTF-8 locale whatever the server's default (a cluster made with LANG unset is SQL_ASCII), from template0."""
    params = conninfo_to_dict(url)
    dbname = params.get("dbname") or "postgres"
    admin = make_conninfo(url, dbname="postgres")
    with psycopg.connect(admin, autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (dbname,)).fetchone():
            conn.execute(sql.SQL("CREATE DATABASE {} ENCODING 'UTF8' LC_COLLATE 'C.UTF-8' LC_CTYPE 'C.UTF-8' "
                                 "TEMPLATE template0").format(sql.Identifier(dbname)))


def check_encoding(conn: psycopg.Connection) -> None:
    """Refuse a database that is not UTF8: in SQL_ASCII text comes back as bytes (names served as base64)."""
    encoding = conn.execute("SHOW server_encoding").fetchone()[0]
    if encoding != "UTF8":
        raise MigrationError(
            f"database {conn.info.dbname} has encoding {encoding}, not UTF8: drop it and migrate again (the migrator "
            "creates it as UTF8), or create it with ENCODING 'UTF8' LC_COLLATE 'C.UTF-8' LC_CTYPE 'C.UTF-8' "
            "TEMPLATE template0"
        )


def checksum(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def apply_schema(conn: psycopg.Connection) -> list[str]:
    conn.execute("CREATE SCHEMA IF NOT EXISTS booking_meta")
    conn.execute(
        """CREATE TABLE IF NOT EXISTS booking_meta.schema_migrations (
               filename text PRIMARY KEY, checksum text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())"""
    )
    applied = dict(conn.execute("SELECT filename, checksum FROM booking_meta.schema_migrations").fetchall())
    files = sorted(SCHEMA_DIR.glob("*.sql"))
    for path in files:
        if path.name in applied and applied[path.name] != checksum(path):
            raise MigrationError(
                f"{path.name} was changed after it was applied (checksum differs); add a new migration instead"
            )
    done = []
    for path in files:
        if path.name in applied:
            continue
        with conn.transaction():
            conn.execute(path.read_text())
            conn.execute(
                "INSERT INTO booking_meta.schema_migrations (filename, checksum) VALUES (%s, %s)",
                (path.name, checksum(path)),
            )
        done.append(path.name)
    return done


def drop_derived(conn: psycopg.Connection) -> None:
    """Drop our functions and views (not extension members) so sql/functions can re-create them exactly."""
    rows = conn.execute(
        """SELECT format('DROP %%s IF EXISTS %%s CASCADE',
                         CASE WHEN p.prokind = 'p' THEN 'PROCEDURE' ELSE 'FUNCTION' END, p.oid::regprocedure)
             FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
            WHERE n.nspname = ANY(%(schemas)s)
              AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.objid = p.oid AND d.deptype = 'e')
           UNION ALL
           SELECT format('DROP %%s IF EXISTS %%s CASCADE',
                         CASE c.relkind WHEN 'm' THEN 'MATERIALIZED VIEW' ELSE 'VIEW' END, c.oid::regclass)
             FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
            WHERE n.nspname = ANY(%(schemas)s) AND c.relkind IN ('v', 'm')""",
        {"schemas": list(DERIVED_SCHEMAS)},
    ).fetchall()
    for (stmt,) in rows:
        conn.execute(stmt)


def load_functions(conn: psycopg.Connection) -> int:
    files = sorted(FUNCTIONS_DIR.glob("*.sql"))
    with conn.transaction():
        drop_derived(conn)
        for path in files:
            try:
                conn.execute(path.read_text())
            except psycopg.Error as err:
                raise MigrationError(f"{path.name}: {err}") from err
    return len(files)


def apply_engine_settings(conn: psycopg.Connection, overrides: dict[str, int]) -> dict[str, str]:
    """Every engine setting with a variable: its override, else its default (both kept in booking.settings)."""
    with conn.transaction():
        return conn.execute("SELECT booking_internal.apply_engine_settings(%s::jsonb)",
                            (json.dumps(overrides),)).fetchone()[0]


def set_bootstrap_key(conn: psycopg.Connection, admin_token: str) -> str:
    """The one live bootstrap OWNER key is SHA-256(ADMIN_TOKEN): the database matches the last migrate's environment."""
    with conn.transaction():
        return conn.execute("SELECT booking_internal.set_bootstrap_key(%s)",
                            (hashlib.sha256(admin_token.encode()).digest(),)).fetchone()[0]


def load_demo(conn: psycopg.Connection) -> list[str]:
    """The demo data, then its history, each in its own transaction. Demo data is optional: a part that fails is
    rolled back and reported, never an error, so `make run` starts on any database (one an operator has used)."""
    notes: list[str] = []

    def note(diag) -> None:
        if diag.message_primary and diag.message_primary.startswith("demo"):
            notes.append(diag.message_primary)

    conn.add_notice_handler(note)
    try:
        for path in (DEMO_FILE, DEMO_HISTORY_FILE):
            try:
                with conn.transaction():
                    conn.execute(path.read_text())
            except psycopg.Error as err:
                code = (err.diag.message_hint or err.sqlstate or "error") if err.diag else "error"
                notes.append(f"demo: {path.name} skipped ({code}: {str(err).splitlines()[0]}); the service starts without it")
    finally:
        conn.remove_notice_handler(note)
    return notes


def record_report_refresh(conn: psycopg.Connection) -> int | None:
    """Refresh the reporting aggregates (after the demo data: the views show its history at once); the count of
    aggregates refreshed, or None (reported) when it failed: the reports worker refreshes them again anyway."""
    try:
        with conn.transaction():
            return conn.execute("SELECT booking_ops.refresh_reports()").fetchone()[0]
    except psycopg.Error as err:
        print(f"reports not refreshed: {str(err).splitlines()[0]}", file=sys.stderr)
        return None


def migrate(url: str, demo: bool = False, quiet: bool = False, admin_token: str | None = None) -> None:
    """admin_token: the bootstrap OWNER credential to store (default: ADMIN_TOKEN of the environment)."""
    settings = load(**({"admin_token": admin_token} if admin_token is not None else {}))
    settings.refuse_unsafe_production()  # before anything changes
    overrides = settings.engine_overrides()  # a bad value stops here too
    demo_logins: list[tuple[str, str, str]] = []
    demo_notes: list[str] = []
    refreshed = None
    ensure_database(url)
    with psycopg.connect(url, autocommit=True) as conn:
        check_encoding(conn)
        # one migrator at a time (several processes may start together)
        conn.execute("SELECT pg_advisory_lock(%s)", (MIGRATION_LOCK,))
        try:
            done = apply_schema(conn)
            n = load_functions(conn)
            values = apply_engine_settings(conn, overrides)
            bootstrap = set_bootstrap_key(conn, settings.admin_token)
            ensure_ticket_keys(conn, settings.ticket_signing_keys)
            if demo:
                demo_notes = load_demo(conn)
                if settings.marquee_env != "production":
                    with conn.transaction():
                        demo_logins = ensure_demo_operators(conn)
                refreshed = record_report_refresh(conn)  # the aggregates were built before the demo's bookings
        finally:
            conn.execute("SELECT pg_advisory_unlock(%s)", (MIGRATION_LOCK,))
    if not quiet:
        print(f"schema: {len(done)} applied ({', '.join(done) or 'none new'}); functions: {n} files loaded"
              + (f"; settings: {values}" if values else "") + f"; bootstrap key (ADMIN_TOKEN): {bootstrap}"
              + ("; demo data loaded" if demo else "")
              + (f"; reports refreshed ({refreshed} aggregates)" if refreshed is not None else ""))
        for note in demo_notes:
            print(note)
        if demo_logins:
            print("demo operators (development only; log in at /admin/login):")
            for email, role, password in demo_logins:
                print(f"  {email:<36} {password:<26} {role}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database-url", default=None, help="defaults to DATABASE_URL")
    parser.add_argument("--demo", action="store_true", help="also load the demo data (repeatable)")
    args = parser.parse_args(argv)
    try:
        migrate(args.database_url or load().database_url, demo=args.demo)
    except MigrationError as err:
        print(f"migration refused: {err}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
