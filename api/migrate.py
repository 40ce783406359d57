"""Migrate the database: ordered, checksummed schema files, then every function re-created.

    python -m api.migrate            # create the database if missing, migrate, load functions
    python -m api.migrate --demo     # ... and load the demo data

Schema files (sql/schema/NNN_name.sql) run once each, in order, each in its own transaction, and are
recorded in booking_meta.schema_migrations with a SHA-256 checksum. A file that changed after it was applied
stops the migration: write a new file instead. Everything in sql/functions (functions, views, triggers, grants)
is dropped and re-created in one transaction on every run, so it always matches the repository.
"""

import argparse
import hashlib
import sys
from pathlib import Path

import psycopg
from psycopg import sql
from psycopg.conninfo import conninfo_to_dict, make_conninfo

from .config import ROOT, Settings, engine_settings_from_env

SCHEMA_DIR = ROOT / "sql" / "schema"
FUNCTIONS_DIR = ROOT / "sql" / "functions"
DEMO_FILE = ROOT / "sql" / "demo" / "demo.sql"
# Schemas whose functions and views are derived objects, owned by sql/functions.
# reporting_cache holds the materialized aggregates behind the reporting views (sql/functions/80_reporting.sql).
DERIVED_SCHEMAS = ("booking", "reporting", "reporting_cache")
MIGRATION_LOCK = 7_300_001


class MigrationError(Exception):
    pass


def ensure_database(url: str) -> None:
    """Create the target database if it does not exist (connecting to the maintenance database)."""
    params = conninfo_to_dict(url)
    dbname = params.get("dbname") or "postgres"
    admin = make_conninfo(url, dbname="postgres")
    with psycopg.connect(admin, autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (dbname,)).fetchone():
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(dbname)))


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


def apply_engine_settings(conn: psycopg.Connection) -> dict[str, str]:
    values = engine_settings_from_env()
    with conn.transaction():
        for key, value in values.items():
            conn.execute("UPDATE booking.settings SET value = %s WHERE key = %s", (value, key))
    return values


def migrate(url: str, demo: bool = False, quiet: bool = False) -> None:
    ensure_database(url)
    with psycopg.connect(url, autocommit=True) as conn:
        # one migrator at a time (several processes may start together)
        conn.execute("SELECT pg_advisory_lock(%s)", (MIGRATION_LOCK,))
        try:
            done = apply_schema(conn)
            n = load_functions(conn)
            values = apply_engine_settings(conn)
            if demo:
                with conn.transaction():
                    conn.execute(DEMO_FILE.read_text())
        finally:
            conn.execute("SELECT pg_advisory_unlock(%s)", (MIGRATION_LOCK,))
    if not quiet:
        print(f"schema: {len(done)} applied ({', '.join(done) or 'none new'}); functions: {n} files loaded"
              + (f"; settings: {values}" if values else "") + ("; demo data loaded" if demo else ""))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database-url", default=None, help="defaults to DATABASE_URL")
    parser.add_argument("--demo", action="store_true", help="also load the demo data (repeatable)")
    args = parser.parse_args(argv)
    try:
        migrate(args.database_url or Settings().database_url, demo=args.demo)
    except MigrationError as err:
        print(f"migration refused: {err}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
