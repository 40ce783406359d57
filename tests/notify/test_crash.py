"""kill -9 of the worker in the middle of an SMTP conversation: the email still arrives, promptly, once."""

import time

import pytest

from .conftest import book, email, outbox, wait_until

pytestmark = pytest.mark.timeout(120)


@pytest.fixture()
def stack(make_stack, sink):
    sink.hanging.clear()
    sink.release.clear()
    stack = make_stack().start()
    yield stack
    sink.release.set()
    stack.stop()  # the next test's worker must be the only one that can take its message


def test_worker_killed_before_smtp_accepted_sends_once(stack, sink, db, movie_and_cinema):
    to = email("+hang")
    b = book(db, movie_and_cinema, to)
    assert sink.hanging.wait(20), "the worker reached the SMTP DATA step"
    assert outbox(db, b["id"], "CONFIRMATION")["status"] == "SENDING"
    stack.worker.kill9()
    killed_at = time.monotonic()
    sink.release.set()  # the dead worker's SMTP session ends without the server accepting the mail
    stack.start_worker()

    [msg] = sink.wait_for(to, timeout=30)
    # sending timeout (4 s in this rig) + relay poll: not Dramatiq's occasional maintenance (minutes)
    assert time.monotonic() - killed_at < 15
    assert msg["Message-ID"] == f"<confirmation.{b['id']}@marquee.test>"
    wait_until(lambda: outbox(db, b["id"], "CONFIRMATION")["status"] == "SENT", 10, "SENT")
    row = outbox(db, b["id"], "CONFIRMATION")
    assert row["attempts"] == 2
    time.sleep(2)
    assert len(sink.mails(to)) == 1


def test_worker_killed_after_smtp_accepted_duplicates_with_same_message_id(stack, sink, db, movie_and_cinema):
    # the unavoidable window: the server has the mail, the worker dies before recording it
    to = email("+dupwindow")
    b = book(db, movie_and_cinema, to)
    assert sink.hanging.wait(20)
    stack.worker.kill9()
    sink.release.set()
    stack.start_worker()
    first, second = sink.wait_for(to, 2, timeout=30)
    assert first["Message-ID"] == second["Message-ID"] == f"<confirmation.{b['id']}@marquee.test>"
    wait_until(lambda: outbox(db, b["id"], "CONFIRMATION")["status"] == "SENT", 10, "SENT")
    time.sleep(2)
    assert len(sink.mails(to)) == 2
