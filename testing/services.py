"""Real parts the tests, the fault scenarios and the benchmarks start (and break on purpose): a PRIVATE PostgreSQL
(initdb in a temp dir, its own port, optionally a streaming replica), a private redis-server, and API processes
that can be killed with SIGKILL and started again on the same port. The shared Postgres and Redis are never stopped.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import socket

import httpx
import psycopg
import redis
from psycopg import sql
from psycopg.conninfo import make_conninfo

ROOT = Path(__file__).resolve().parent.parent
PG_BIN = Path(os.environ.get("PG_BIN", "/usr/lib/postgresql/15/bin"))


def drop_database(server_url: str, dbname: str) -> None:
    """Drop a database of the server `server_url` names (any database of it), ending its sessions first."""
    with psycopg.connect(server_url, autocommit=True) as conn:
        conn.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s AND pid <> pg_backend_pid()",
                     (dbname,))
        conn.execute(sql.SQL("DROP DATABASE IF EXISTS {}").format(sql.Identifier(dbname)))


def recreate_database(server_url: str, dbname: str) -> str:
    """An empty database `dbname` on that server (dropped first if it exists); returns its URL."""
    drop_database(server_url, dbname)
    with psycopg.connect(server_url, autocommit=True) as conn:
        # UTF8 whatever the server's default, as the migrator creates databases (marquee/migrate.py)
        conn.execute(sql.SQL("CREATE DATABASE {} ENCODING 'UTF8' LC_COLLATE 'C.UTF-8' LC_CTYPE 'C.UTF-8' "
                             "TEMPLATE template0").format(sql.Identifier(dbname)))
    return make_conninfo(server_url, dbname=dbname)


def free_port(host: str = "127.0.0.1") -> int:
    with socket.socket() as s:
        s.bind((host, 0))
        return s.getsockname()[1]


def _as_postgres(*args: str, timeout: float = 120) -> None:
    # initdb refuses to run as root; the server files belong to the postgres OS user
    cmd = list(args) if os.geteuid() != 0 else ["runuser", "-u", "postgres", "--", *args]
    res = subprocess.run(cmd, timeout=timeout, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    if res.returncode:
        raise RuntimeError(f"{' '.join(args[:2])} failed: {res.stdout.decode(errors='replace')[-2000:]}")


class PrivatePostgres:
    """A throwaway cluster: initdb (trust auth, replication allowed on loopback), start, restart, stop, replica."""

    def __init__(self, name: str = "marquee_private", base: Path | None = None):
        self.dir = base or Path(tempfile.mkdtemp(prefix="marquee_chaos_pg_", dir="/tmp"))
        self.data = self.dir / "data"
        self.sock = self.dir / "sock"
        self.log = self.dir / "server.log"
        self.port = free_port()
        self.dbname = name
        self.sock.mkdir(parents=True, exist_ok=True)
        if os.geteuid() == 0:
            shutil.chown(self.dir, "postgres", "postgres")
            shutil.chown(self.sock, "postgres", "postgres")

    @property
    def url(self) -> str:
        return f"postgresql://postgres@127.0.0.1:{self.port}/{self.dbname}"

    @property
    def admin_url(self) -> str:
        return f"postgresql://postgres@127.0.0.1:{self.port}/postgres"

    def url_for(self, user: str) -> str:
        return f"postgresql://{user}@127.0.0.1:{self.port}/{self.dbname}"

    def init(self) -> "PrivatePostgres":
        _as_postgres(str(PG_BIN / "initdb"), "-D", str(self.data), "-U", "postgres", "-A", "trust", "--no-sync")
        return self

    def ctl(self, *args: str) -> None:
        _as_postgres(str(PG_BIN / "pg_ctl"), "-D", str(self.data), "-l", str(self.log), "-w", "-t", "60", *args)

    def start(self) -> "PrivatePostgres":
        # fsync off: a throwaway cluster; the crash being tested is of the API and of the server process, not the disk
        self.ctl("-o", f"-p {self.port} -k {self.sock} -c listen_addresses=127.0.0.1 -c fsync=off "
                       f"-c max_connections=100 -c shared_buffers=32MB", "start")
        return self

    def stop(self, mode: str = "fast") -> None:
        self.ctl("-m", mode, "stop")

    def create_db(self) -> None:
        with psycopg.connect(self.admin_url, autocommit=True) as conn:
            conn.execute(f"CREATE DATABASE \"{self.dbname}\" ENCODING 'UTF8' LC_COLLATE 'C.UTF-8' LC_CTYPE 'C.UTF-8' "
                         "TEMPLATE template0")

    def replica(self) -> "PrivatePostgres":
        """A streaming replica of this cluster via pg_basebackup on loopback (-R writes standby.signal)."""
        rep = PrivatePostgres(self.dbname)
        _as_postgres(str(PG_BIN / "pg_basebackup"), "-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres",
                     "-D", str(rep.data), "-R", "-X", "stream", "-c", "fast", "--no-sync")
        return rep

    def destroy(self) -> None:
        try:
            self.ctl("-m", "immediate", "stop")
        except Exception:  # noqa: BLE001 - already stopped
            pass
        shutil.rmtree(self.dir, ignore_errors=True)


class PrivateRedis:
    def __init__(self):
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.proc: subprocess.Popen | None = None

    def start(self) -> "PrivateRedis":
        self.proc = subprocess.Popen(["redis-server", "--port", str(self.port), "--bind", "127.0.0.1",
                                      "--save", "", "--appendonly", "no"],
                                     stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                if redis.Redis.from_url(self.url, socket_connect_timeout=0.5).ping():
                    return self
            except redis.RedisError:
                time.sleep(0.05)
        raise RuntimeError("private redis-server did not start")

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(10)


API_COMMAND = [sys.executable, "-m", "marquee.app.serve"]
# The ADMIN_TOKEN of the test session: its migrate stores it as the bootstrap OWNER key (conftest.py) and its API
# servers run with it (tests/conftest.py), so `Authorization: Bearer test-admin-token` is an OWNER in tests.
TEST_ADMIN_TOKEN = "test-admin-token"


class ApiServer:
    """`python -m marquee.app.serve` (or any ASGI server command) on a fixed port, so clients keep one URL across
    a SIGKILL and a restart. Extra environment in `env` (the rate limit is off and the admin token is
    chaos-admin-token unless it says otherwise)."""

    def __init__(self, env: dict[str, str], log_path: Path, command: list[str] | None = None):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.env = {**os.environ, "PYTHONUNBUFFERED": "1", "WEB_CONCURRENCY": "1", "RATE_LIMIT_PER_MINUTE": "0",
                    "ADMIN_TOKEN": "chaos-admin-token", **env, "PORT": str(self.port)}
        self.command = command or API_COMMAND
        self.log_path = log_path
        self.proc: subprocess.Popen | None = None

    def start(self, timeout: float = 40) -> "ApiServer":
        log = open(self.log_path, "ab")
        cmd = [c.replace("{port}", str(self.port)) for c in self.command]
        self.proc = subprocess.Popen(cmd, cwd=ROOT, env=self.env, stdout=log, stderr=subprocess.STDOUT,
                                     start_new_session=True)
        log.close()
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"API exited {self.proc.returncode}: {self.log_path.read_text()[-2000:]}")
            try:
                if httpx.get(self.url + "/health/live", timeout=1).status_code == 200:
                    return self
            except httpx.HTTPError:
                time.sleep(0.1)
        raise RuntimeError(f"API not up in {timeout}s: {self.log_path.read_text()[-2000:]}")

    def log_text(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""

    def kill9(self) -> None:
        """SIGKILL the whole process group (the server and any worker processes): no cleanup code runs."""
        if self.proc and self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait(10)

    def rss_kib(self) -> int:
        """Resident memory of the server process and its children, KiB."""
        if not self.proc:
            return 0
        pids = [self.proc.pid]
        try:
            out = subprocess.run(["pgrep", "-g", str(self.proc.pid)], capture_output=True, text=True).stdout
            pids = [int(p) for p in out.split()] or pids
        except OSError:
            pass
        total = 0
        for pid in pids:
            try:
                for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                    if line.startswith("VmRSS:"):
                        total += int(line.split()[1])
            except OSError:
                pass
        return total

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.kill9()


def wait_ready(url: str, timeout: float) -> float:
    """Seconds until GET /health/ready answers 200 (raises after timeout)."""
    t0 = time.monotonic()
    while time.monotonic() - t0 < timeout:
        try:
            if httpx.get(url + "/health/ready", timeout=2).status_code == 200:
                return time.monotonic() - t0
        except httpx.HTTPError:
            pass
        time.sleep(0.1)
    raise TimeoutError(f"{url} not ready after {timeout}s")
