"""A pg_auto_failover cluster on loopback: a monitor, a primary and a synchronous standby, each with its own data
directory and port, run by pg_autoctl as the postgres OS user (it refuses root). The machine's own cluster is never
touched. Used by `make ha` (scripts/ha.sh) and by tests/reliability/test_failover.py.

    python -m testing.ha up [--base .data/ha] [--ports 25432,25433,25434]   # monitor, primary, standby; migrated
    python -m testing.ha status | url | down
    python -m testing.ha bench      # commit latency of each durability class on the running cluster

Failover speed: pg_auto_failover's defaults notice a dead primary after ~20 s and then wait 30 s for it to demote;
the monitor's health checks are tuned here (1 s period and timeout, one retry, unhealthy after 2 s, demote timeout
5 s) and the keepers' network_partition_timeout is 3 s (< the demote timeout: an old primary cut off from the
monitor and the standby stops itself before the standby may be promoted). Measured in docs/scaling.md.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import psycopg

ROOT = Path(__file__).resolve().parent.parent
PG_BIN = Path(os.environ.get("PG_BIN", "/usr/lib/postgresql/15/bin"))
PG_AUTOCTL = shutil.which("pg_autoctl") or "/usr/bin/pg_autoctl"
DEFAULT_BASE = ROOT / ".data" / "ha"
DEFAULT_PORTS = (25432, 25433, 25434)

MONITOR_SETTINGS = {  # pgautofailover.* on the monitor (milliseconds)
    "health_check_period": 1000, "health_check_timeout": 1000, "health_check_max_retries": 1,
    "health_check_retry_delay": 500, "node_considered_unhealthy_timeout": 2000, "primary_demote_timeout": 5000,
}
# postgresql.auto.conf of the first node (pg_basebackup copies it to the standby): pg_autoctl sizes shared_buffers
# at a quarter of the RAM and keeps 8 GB of WAL, too much for a test machine shared with other clusters.
NODE_SETTINGS = {"shared_buffers": "64MB", "effective_cache_size": "512MB", "maintenance_work_mem": "64MB",
                 "work_mem": "8MB", "wal_keep_size": "512MB", "max_connections": "120", "log_min_messages": "warning"}


def available() -> str | None:
    """None when pg_autoctl and PostgreSQL 15 are installed, else why not."""
    if not Path(PG_AUTOCTL).exists():
        return "pg_autoctl is not installed (Debian: postgresql-15-auto-failover; bash scripts/packages.sh ha)"
    if not (PG_BIN / "pg_ctl").exists():
        return f"PostgreSQL binaries not found in {PG_BIN}"
    if os.geteuid() == 0:
        try:
            import pwd
            pwd.getpwnam("postgres")
        except KeyError:
            return "no postgres OS user to run pg_autoctl as (it refuses root)"
    return None


def _alive(pid: int) -> bool:
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except (OSError, IndexError):
        return False


@dataclass
class Node:
    name: str
    port: int
    pgdata: Path
    log: Path
    proc: subprocess.Popen | None = None


class HaCluster:
    def __init__(self, base: Path = DEFAULT_BASE, ports: tuple[int, int, int] = DEFAULT_PORTS,
                 dbname: str = "marquee", fsync: bool = True):
        self.base = Path(base).resolve()
        self.dbname = dbname
        self.fsync = fsync
        self.monitor = Node("monitor", ports[0], self.base / "monitor", self.base / "monitor.log")
        self.nodes = [Node(f"node{i}", ports[i], self.base / f"node{i}", self.base / f"node{i}.log") for i in (1, 2)]
        self.env = {**os.environ, "PATH": f"{PG_BIN}:{os.environ.get('PATH', '/usr/bin:/bin')}",
                    "PG_CONFIG": str(PG_BIN / "pg_config"), "XDG_CONFIG_HOME": str(self.base / "xdg" / "config"),
                    "XDG_DATA_HOME": str(self.base / "xdg" / "data"),
                    "XDG_RUNTIME_DIR": str(self.base / "xdg" / "run")}

    # ---- URLs ------------------------------------------------------------------------------------------
    @property
    def hosts(self) -> str:
        return ",".join(f"127.0.0.1:{n.port}" for n in self.nodes)

    def url(self, user: str = "postgres", dbname: str | None = None, attrs: str = "read-write") -> str:
        """The multi-host connection string every process uses: libpq tries each host and keeps the writable one."""
        return (f"postgresql://{user}@{self.hosts}/{dbname or self.dbname}"
                f"?target_session_attrs={attrs}&connect_timeout=2")

    def node_url(self, node: Node, dbname: str | None = None, user: str = "postgres") -> str:
        return f"postgresql://{user}@127.0.0.1:{node.port}/{dbname or self.dbname}?connect_timeout=2"

    @property
    def monitor_url(self) -> str:
        return f"postgresql://postgres@127.0.0.1:{self.monitor.port}/pg_auto_failover?connect_timeout=2"

    # ---- processes -------------------------------------------------------------------------------------
    def _cmd(self, *args: str) -> list[str]:
        return ["runuser", "-u", "postgres", "--", *args] if os.geteuid() == 0 else list(args)

    def autoctl(self, *args: str, timeout: float = 120) -> str:
        res = subprocess.run(self._cmd(PG_AUTOCTL, *args), env=self.env, timeout=timeout,
                             stdout=subprocess.PIPE, stderr=subprocess.STDOUT, cwd="/")
        out = res.stdout.decode(errors="replace")
        if res.returncode:
            raise RuntimeError(f"pg_autoctl {' '.join(args[:2])} failed ({res.returncode}): {out[-3000:]}")
        return out

    def run(self, node: Node) -> None:
        """`pg_autoctl run` for the node, in a session of its own (kill9 ends the whole group)."""
        log = open(node.log, "ab")
        node.proc = subprocess.Popen(self._cmd(PG_AUTOCTL, "run", "--pgdata", str(node.pgdata)), env=self.env,
                                     stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, cwd="/",
                                     start_new_session=True)
        log.close()
        (self.base / f"{node.name}.pid").write_text(str(node.proc.pid))

    def _group(self, node: Node) -> int | None:
        if node.proc is not None:
            return node.proc.pid if node.proc.poll() is None else None
        pidfile = self.base / f"{node.name}.pid"
        try:
            pid = int(pidfile.read_text())
            os.kill(pid, 0)
            return pid
        except (OSError, ValueError):
            return None

    def _postmaster(self, node: Node) -> int | None:
        try:
            return int((node.pgdata / "postmaster.pid").read_text().split()[0])
        except (OSError, ValueError, IndexError):
            return None

    def kill9(self, node: Node) -> None:
        """SIGKILL the node's pg_autoctl and its Postgres (every process of it): the machine is gone."""
        group, postmaster = self._group(node), self._postmaster(node)
        for pid, kill in ((group, os.killpg), (postmaster, os.kill)):
            if pid:
                try:
                    kill(pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass
        if node.proc is not None:
            node.proc.wait(10)
        deadline = time.monotonic() + 10  # gone (or a zombie nobody reaps yet): its port is free
        while postmaster and time.monotonic() < deadline and _alive(postmaster):
            time.sleep(0.05)

    def stop(self, node: Node) -> None:
        group = self._group(node)
        if not group:
            return
        try:
            # pg_autoctl alone (runuser passes it on): it stops its Postgres with a fast shutdown. A SIGTERM to the
            # whole group would also reach the postmaster, a smart shutdown that waits for every client.
            os.kill(group, signal.SIGTERM)
            deadline = time.monotonic() + 20
            while time.monotonic() < deadline:
                os.killpg(group, 0)
                time.sleep(0.1)
        except ProcessLookupError:
            return
        self.kill9(node)

    # ---- state -----------------------------------------------------------------------------------------
    def states(self) -> dict[str, tuple[str, str]]:
        """{node name: (reported state, assigned state)} as the monitor sees them."""
        with psycopg.connect(self.monitor_url, autocommit=True) as conn:
            rows = conn.execute("SELECT nodename, reportedstate::text, goalstate::text FROM pgautofailover.node "
                                "ORDER BY nodeid").fetchall()
        return {name: (reported, goal) for name, reported, goal in rows}

    def wait_states(self, want: dict[str, str], timeout: float = 60) -> float:
        """Seconds until every named node reports (and is assigned) the state wanted."""
        t0 = time.monotonic()
        last: dict = {}
        while time.monotonic() - t0 < timeout:
            try:
                last = self.states()
                if all(last.get(n) == (s, s) for n, s in want.items()):
                    return time.monotonic() - t0
            except psycopg.Error:
                pass
            time.sleep(0.2)
        raise TimeoutError(f"nodes not {want} after {timeout}s: {last}")

    def primary(self) -> Node:
        """The node the monitor has made primary (a dead old primary still shows its last reported state)."""
        states = self.states()
        for node in self.nodes:
            reported, goal = states.get(node.name, ("", ""))
            if reported in ("primary", "wait_primary") and goal in ("primary", "wait_primary"):
                return node
        raise RuntimeError(f"no primary: {states}")

    def standby(self) -> Node:
        primary = self.primary()
        return next(n for n in self.nodes if n is not primary)

    def node(self, name: str) -> Node:
        return next(n for n in [self.monitor, *self.nodes] if n.name == name)

    # ---- life cycle ------------------------------------------------------------------------------------
    def _as_owner(self, path: Path) -> None:
        if os.geteuid() == 0:
            shutil.chown(path, "postgres", "postgres")

    def _append_conf(self, node: Node, settings: dict[str, object]) -> None:
        lines = "".join(f"{k} = '{v}'\n" for k, v in settings.items())
        subprocess.run(self._cmd("sh", "-c", f"cat >> '{node.pgdata}/postgresql.auto.conf'"), input=lines.encode(),
                       check=True, env=self.env)

    def up(self, timeout: float = 120) -> "HaCluster":
        if self.monitor.pgdata.exists() or (self.base / "xdg").exists():
            raise RuntimeError(f"{self.base} already holds a cluster: `python -m testing.ha down` first")
        for d in (self.base, self.base / "xdg", self.base / "xdg" / "run"):
            d.mkdir(parents=True, exist_ok=True)
            self._as_owner(d)
        os.chmod(self.base / "xdg" / "run", 0o700)
        common = ["--hostname", "127.0.0.1", "--auth", "trust", "--no-ssl", "--pgctl", str(PG_BIN / "pg_ctl")]
        m = self.monitor
        self.autoctl("create", "monitor", "--pgdata", str(m.pgdata), "--pgport", str(m.port), *common)
        self.autoctl("config", "set", "--pgdata", str(m.pgdata), "postgresql.listen_addresses", "127.0.0.1")
        self._append_conf(m, {"shared_buffers": "32MB", "fsync": "on" if self.fsync else "off",
                              **{f"pgautofailover.{k}": v for k, v in MONITOR_SETTINGS.items()}})
        self.run(m)
        monitor = f"postgres://autoctl_node@127.0.0.1:{m.port}/pg_auto_failover?sslmode=disable"
        for i, node in enumerate(self.nodes):
            self.autoctl("create", "postgres", "--pgdata", str(node.pgdata), "--pgport", str(node.port),
                         "--listen", "127.0.0.1", "--name", node.name, "--dbname", self.dbname,
                         "--monitor", monitor, *common, timeout=timeout)
            self.autoctl("config", "set", "--pgdata", str(node.pgdata), "timeout.network_partition_timeout", "3")
            if i == 0:
                self._append_conf(node, {**NODE_SETTINGS, "fsync": "on" if self.fsync else "off"})
            self.run(node)
            self.wait_states({"node1": "single"} if i == 0 else {"node1": "primary", "node2": "secondary"},
                             timeout=timeout)
        return self

    def migrate(self, demo: bool = False) -> None:
        from marquee.migrate import migrate
        migrate(self.url(), demo=demo, quiet=True)

    def rejoin(self, node: Node, timeout: float = 90) -> float:
        """Start a killed node's pg_autoctl again: it rewinds and follows the new primary. Seconds to secondary."""
        other = next(n for n in self.nodes if n is not node)
        self.run(node)
        return self.wait_states({node.name: "secondary", other.name: "primary"}, timeout=timeout)

    def switchover(self, timeout: float = 90) -> float:
        """A planned switchover (pg_autoctl perform switchover); seconds until the roles are swapped and settled."""
        old, new = self.primary(), self.standby()
        t0 = time.monotonic()
        self.autoctl("perform", "switchover", "--pgdata", str(self.monitor.pgdata), timeout=timeout)
        self.wait_states({new.name: "primary", old.name: "secondary"}, timeout=timeout)
        return time.monotonic() - t0

    def down(self, graceful: bool = True) -> None:
        """Stop every node (graceful: pg_autoctl's fast shutdown; else SIGKILL, for throwaway test clusters) and
        remove the data directories."""
        for node in [*self.nodes, self.monitor]:
            if graceful:
                self.stop(node)
            else:
                self.kill9(node)
        shutil.rmtree(self.base, ignore_errors=True)


PGBOUNCER = shutil.which("pgbouncer") or "/usr/sbin/pgbouncer"


class PgBouncer:
    """Debian's PgBouncer (1.18) in transaction mode in front of one PostgreSQL server, on a port of its own, run as
    the postgres OS user (it refuses root). Trust authentication: the users of `users` must be listed."""

    def __init__(self, server_host: str = "127.0.0.1", server_port: int = 5432, *, port: int | None = None,
                 base: Path | None = None, pool_size: int = 10,
                 users: tuple[str, ...] = ("postgres", "booking_api", "booking_worker", "booking_admin")):
        import tempfile

        from testing.services import free_port
        self.base = Path(base or tempfile.mkdtemp(prefix="marquee_pgbouncer_", dir="/tmp"))
        self.port = port or free_port()
        self.proc: subprocess.Popen | None = None
        self.base.mkdir(parents=True, exist_ok=True)
        (self.base / "users.txt").write_text("".join(f'"{u}" ""\n' for u in users))
        (self.base / "pgbouncer.ini").write_text(f"""[databases]
* = host={server_host} port={server_port}

[pgbouncer]
listen_addr = 127.0.0.1
listen_port = {self.port}
unix_socket_dir = {self.base}
auth_type = trust
auth_file = {self.base}/users.txt
admin_users = postgres
pool_mode = transaction
default_pool_size = {pool_size}
max_client_conn = 1000
server_reset_query =
ignore_startup_parameters = extra_float_digits,options
logfile = {self.base}/pgbouncer.log
""")
        if os.geteuid() == 0:
            for path in (self.base, *self.base.iterdir()):
                shutil.chown(path, "postgres", "postgres")

    def url(self, user: str, dbname: str) -> str:
        return f"postgresql://{user}@127.0.0.1:{self.port}/{dbname}"

    def start(self, timeout: float = 10) -> "PgBouncer":
        cmd = [PGBOUNCER, str(self.base / "pgbouncer.ini")]
        if os.geteuid() == 0:
            cmd = ["runuser", "-u", "postgres", "--", *cmd]
        self.proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT, cwd="/",
                                     start_new_session=True)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"pgbouncer exited: {self.log_text()[-2000:]}")
            try:
                self.admin("SHOW VERSION")
                return self
            except psycopg.Error:
                time.sleep(0.1)
        raise RuntimeError(f"pgbouncer did not answer in {timeout}s: {self.log_text()[-2000:]}")

    def admin(self, command: str) -> list[dict]:
        """A command of PgBouncer's admin console (SHOW POOLS, SHOW STATS ...): its rows as dicts."""
        from psycopg.rows import dict_row
        with psycopg.connect(self.url("postgres", "pgbouncer"), autocommit=True, prepare_threshold=None,
                             row_factory=dict_row) as conn:
            cur = conn.cursor()
            cur.execute(command, prepare=False)
            return cur.fetchall() if cur.description else []

    def log_text(self) -> str:
        path = self.base / "pgbouncer.log"
        return path.read_text(errors="replace") if path.exists() else ""

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
        shutil.rmtree(self.base, ignore_errors=True)


def commit_latency(cluster: HaCluster, n: int = 300) -> dict:
    """What each durability class costs on this cluster: median and p99 commit latency (ms) of a one-row write
    under each synchronous_commit level, then of the real booking.hold (off) and booking.confirm (on)."""
    import statistics

    from testing.data import make_showtime

    def stats(samples: list[float]) -> dict:
        samples.sort()
        return {"p50_ms": round(statistics.median(samples) * 1000, 2),
                "p99_ms": round(samples[int(len(samples) * 0.99) - 1] * 1000, 2)}

    out: dict = {}
    url = cluster.url()
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("CREATE TABLE IF NOT EXISTS public.ha_commit_probe (id bigint)")
        for level in ("off", "local", "on", "remote_apply"):
            samples = []
            for _ in range(n):
                t0 = time.perf_counter()
                with conn.transaction():
                    conn.execute("SELECT set_config('synchronous_commit', %s, true)", (level,))
                    conn.execute("INSERT INTO public.ha_commit_probe VALUES (1)")
                samples.append(time.perf_counter() - t0)
            out[f"commit synchronous_commit={level}"] = stats(samples)
        conn.execute("DROP TABLE public.ha_commit_probe")
    showtime, codes = make_showtime(url, max(1, n // 20), 20)
    holds, confirms = [], []
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("SET marquee.lone_seat_rule = off")  # one seat after the other, each in its own hold
        for i in range(min(n, len(codes))):
            t0 = time.perf_counter()
            hold = conn.execute("SELECT hold_id FROM booking.hold(%s, %s, %s)", (showtime, [codes[i]], f'ha-bench-{i}')
                                ).fetchone()[0]
            t1 = time.perf_counter()
            conn.execute("SELECT booking_id FROM booking.confirm(%s, 'bench@example.com', 'Bench')", (hold,))
            holds.append(t1 - t0)
            confirms.append(time.perf_counter() - t1)
    out["booking.hold (off)"] = stats(holds)
    out["booking.confirm (on)"] = stats(confirms)
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("action", choices=["up", "down", "status", "url", "bench"])
    ap.add_argument("--base", type=Path, default=Path(os.environ.get("HA_BASE", DEFAULT_BASE)))
    ap.add_argument("--ports", default=os.environ.get("HA_PORTS", ",".join(map(str, DEFAULT_PORTS))))
    ap.add_argument("--no-demo", action="store_true", help="migrate without the demo data")
    args = ap.parse_args()
    ports = tuple(int(p) for p in args.ports.split(","))
    cluster = HaCluster(args.base, ports)  # type: ignore[arg-type]
    if args.action == "up":
        why = available()
        if why:
            sys.exit(f"ha: {why}")
        t0 = time.monotonic()
        try:
            cluster.up()
            cluster.migrate(demo=not args.no_demo)
        except Exception:
            cluster.down()
            raise
        print(f"ha: monitor 127.0.0.1:{ports[0]}, primary 127.0.0.1:{ports[1]}, synchronous standby "
              f"127.0.0.1:{ports[2]} up and migrated in {time.monotonic() - t0:.0f} s (data: {cluster.base})")
        print(f"ha: DATABASE_URL='{cluster.url()}'")
    elif args.action == "down":
        cluster.down()
        print(f"ha: stopped, {cluster.base} removed")
    elif args.action == "bench":
        print(json.dumps({"standby": cluster.states(), **commit_latency(cluster)}, indent=1))
    elif args.action == "url":
        print(cluster.url())
    else:
        print(json.dumps(cluster.states(), indent=1))


if __name__ == "__main__":
    main()
