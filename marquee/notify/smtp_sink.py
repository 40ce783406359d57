"""Local SMTP sink for the demo and the tests: `python -m marquee.notify.smtp_sink` (aiosmtpd).

Accepts every email and writes it to MAIL_DIR (default .data/mail) as <time>-<n>.eml; GET /api/admin/mail
lists them. Listens on SMTP_SINK_HOST:SMTP_SINK_PORT (default 127.0.0.1:1025).
"""

import argparse
import asyncio
import itertools
import logging
import threading
import time
from email import message_from_bytes, policy
from pathlib import Path

from aiosmtpd.smtp import SMTP

from ..settings import load

log = logging.getLogger("marquee.smtp_sink")


class MailboxHandler:
    """aiosmtpd handler: every accepted email is written to `mail_dir` and kept in `received` (raw bytes)."""

    def __init__(self, mail_dir: str | Path | None):
        self.mail_dir = Path(mail_dir) if mail_dir else None
        self.received: list[bytes] = []
        self._seq = itertools.count(1)
        if self.mail_dir:
            self.mail_dir.mkdir(parents=True, exist_ok=True)

    def store(self, raw: bytes) -> None:
        self.received.append(raw)
        if self.mail_dir:
            name = f"{time.strftime('%Y%m%dT%H%M%S')}-{time.time_ns() % 10**9:09d}-{next(self._seq)}.eml"
            tmp = self.mail_dir / (name + ".tmp")
            tmp.write_bytes(raw)
            tmp.rename(self.mail_dir / name)  # readers never see a half-written file

    async def handle_DATA(self, server, session, envelope):
        self.store(envelope.original_content or envelope.content)
        msg = message_from_bytes(envelope.original_content or envelope.content, policy=policy.default)
        log.info("mail for %s: %s", ", ".join(envelope.rcpt_tos), msg["Subject"])
        return "250 OK message accepted"


def start_in_thread(handler, host: str = "127.0.0.1", port: int = 0) -> tuple[int, callable]:
    """Serve `handler` on a background event loop; returns the bound port (0 = any free one) and a stop function."""
    loop = asyncio.new_event_loop()
    ready = threading.Event()
    holder = {}

    def run():
        asyncio.set_event_loop(loop)
        server = loop.run_until_complete(
            loop.create_server(lambda: SMTP(handler, hostname="marquee-sink"), host=host, port=port))
        holder["server"] = server
        holder["port"] = server.sockets[0].getsockname()[1]
        ready.set()
        loop.run_forever()
        server.close()
        loop.run_until_complete(server.wait_closed())
        loop.close()

    thread = threading.Thread(target=run, name="smtp-sink", daemon=True)
    thread.start()
    if not ready.wait(10):
        raise RuntimeError("SMTP sink did not start")

    def stop():
        loop.call_soon_threadsafe(loop.stop)
        thread.join(10)

    return holder["port"], stop


def main(argv: list[str] | None = None) -> int:
    settings = load()
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--host", default=settings.smtp_sink_host)
    parser.add_argument("--port", type=int, default=settings.smtp_sink_port)
    parser.add_argument("--mail-dir", default=settings.mail_dir)
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    port, stop = start_in_thread(MailboxHandler(args.mail_dir), args.host, args.port)
    log.info("SMTP sink on %s:%s writing to %s", args.host, port, args.mail_dir)
    try:
        threading.Event().wait()
    except KeyboardInterrupt:
        pass
    finally:
        stop()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
