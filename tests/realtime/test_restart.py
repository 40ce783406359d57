"""A Postgres restart while clients watch: the API's one listening connection comes back by itself, every
Socket.IO and SSE client is told to resync (what was published meanwhile is lost), and updates flow again.

The restart is of a PRIVATE PostgreSQL instance started for this test (initdb into a temp dir), never the
shared server."""

import asyncio
import os
import shutil
import subprocess
import tempfile
import time
import uuid
from pathlib import Path

import psycopg
import pytest

from marquee.migrate import migrate
from testing.services import free_port

from .clients import SioWatcher, SseWatcher
from .conftest import create_hall, make_showtime

PG_BIN = Path("/usr/lib/postgresql/15/bin")


def _as_postgres(*args: str, timeout: float = 60) -> None:
    # initdb refuses to run as root: as root the server runs as the postgres OS user, else as the caller
    cmd = list(args) if os.geteuid() != 0 else ["runuser", "-u", "postgres", "--", *args]
    subprocess.run(cmd, check=True, timeout=timeout,
                   stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)


class PrivatePostgres:
    def __init__(self):
        self.dir = Path(tempfile.mkdtemp(prefix="marquee_rt_pg_", dir="/tmp"))
        self.data, self.sock, self.log = self.dir / "data", self.dir / "sock", self.dir / "server.log"
        self.sock.mkdir()
        if os.geteuid() == 0:
            shutil.chown(self.dir, "postgres", "postgres")
            shutil.chown(self.sock, "postgres", "postgres")
        self.port = free_port()
        self.url = f"postgresql://postgres@127.0.0.1:{self.port}/marquee_rt_private"

    def init(self) -> None:
        _as_postgres(str(PG_BIN / "initdb"), "-D", str(self.data), "-U", "postgres", "-A", "trust", "--no-sync")

    def ctl(self, *args: str) -> None:
        _as_postgres(str(PG_BIN / "pg_ctl"), "-D", str(self.data), "-l", str(self.log), "-w", "-t", "30", *args)

    def start(self) -> None:
        self.ctl("-o", f"-p {self.port} -k {self.sock} -c listen_addresses=127.0.0.1 -c fsync=off", "start")

    def restart(self) -> None:
        self.ctl("-m", "fast", "restart")  # pg_ctl reuses the options it was started with

    def destroy(self) -> None:
        try:
            self.ctl("-m", "immediate", "stop")
        except subprocess.SubprocessError:
            pass
        shutil.rmtree(self.dir, ignore_errors=True)


@pytest.fixture(scope="module")
def private_pg():
    if not (PG_BIN / "initdb").exists() or (os.geteuid() == 0 and shutil.which("runuser") is None):
        pytest.fail("PostgreSQL 15 server binaries and runuser are needed for the restart test")
    pg = PrivatePostgres()
    try:
        pg.init()
        pg.start()
        migrate(pg.url, quiet=True)
        yield pg
    finally:
        pg.destroy()


async def test_database_restart_makes_clients_resync_and_updates_flow_again(private_pg, start_api):
    api = start_api({"DATABASE_URL": private_pg.url, "SSE_HEARTBEAT_SECONDS": "1"})
    hall = create_hall(private_pg.url)
    with psycopg.connect(private_pg.url, autocommit=True) as conn:
        showtime = make_showtime(conn, hall)

    sio = await SioWatcher().connect(api.url)
    sse = await SseWatcher(api.url, showtime).start()
    try:
        await sio.watch(showtime)
        assert (await sio.next())[0] == "resync"  # the join's own resync
        assert (await sse.next())[0] == "ready"
        with psycopg.connect(private_pg.url, autocommit=True) as conn:
            conn.execute("SELECT booking.hold(%s, %s, %s)", (showtime, ["seat-a2"], uuid.uuid4().hex))
        assert (await sio.next())[1]["seatIds"] == ["seat-a2"]
        assert (await sse.next())[1]["seatIds"] == ["seat-a2"]

        t0 = time.monotonic()
        await asyncio.to_thread(private_pg.restart)

        name, data = await sio.next(timeout=20)
        assert (name, data) == ("resync", {"showtimeId": showtime, "reason": "reconnected"})
        event, data, eid = await sse.next(timeout=20)
        assert (event, data) == ("resync", {"showtimeId": showtime, "reason": "reconnected"}) and eid
        resync_after = time.monotonic() - t0
        assert sse.status == 200 and not sse._task.done()  # the stream itself survived the database restart

        # and the same subscribers get live updates again, without re-subscribing
        with psycopg.connect(private_pg.url, autocommit=True) as conn:
            conn.execute("SELECT booking.hold(%s, %s, %s)", (showtime, ["seat-a3"], uuid.uuid4().hex))
        name, data = await sio.next(timeout=10)
        assert (name, data["status"], data["seatIds"]) == ("seats:updated", "LOCKED", ["seat-a3"])
        event, data, _ = await sse.next(timeout=10)
        assert (event, data["seatIds"]) == ("seats:updated", ["seat-a3"])
        print(f"\n[realtime restart] clients told to resync {resync_after:.1f}s after the restart began")
    finally:
        await sio.close()
        await sse.close()
