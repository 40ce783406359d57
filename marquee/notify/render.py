"""Build the email for one outbox message: Jinja2 HTML + plain text; for confirmations one QR code per ticket
(carrying the ticket's signed code, ctx["tickets"] as the mailer adds them) and the .ics.

Everything is derived from the mail context (booking.mail_context) and the outbox row, so rendering the same
row twice gives the same email with the same Message-ID: a resend after a crash is recognisably a duplicate.
"""

import io
from datetime import datetime, timezone
from email.message import EmailMessage
from email.utils import formataddr, format_datetime
from pathlib import Path

import qrcode
from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape
from qrcode.image.pil import PilImage

from ..money import format_money

TEMPLATES = Path(__file__).with_name("templates")
QR_CID = "qr-code"


def seats_text(seats) -> str:
    return ", ".join(f"{s['rowLabel']}{s['seatNumber']}" for s in seats or [])


def _env() -> Environment:
    env = Environment(loader=FileSystemLoader(TEMPLATES), autoescape=select_autoescape(["html"]),
                      undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True,
                      keep_trailing_newline=True)
    env.filters["money"] = format_money
    env.filters["seats"] = seats_text
    return env


ENV = _env()


def message_id(ctx: dict, domain: str) -> str:
    # dedup_key is unique per (booking, kind[, refund]): the same row always yields the same Message-ID
    return "<" + ctx["dedupKey"].replace(":", ".") + "@" + domain + ">"


def qr_png(text: str) -> bytes:
    # Pillow writes the PNG (pure-Python PyPNG took ~20 ms a code: a group booking's email has one per ticket);
    # 6 px modules: a ticket code's QR (version 5-6) comes out about 250 px, shown at 200
    buf = io.BytesIO()
    qrcode.make(text, image_factory=PilImage, box_size=6, border=2).save(buf, format="PNG")
    return buf.getvalue()


def _ics_text(value: str) -> str:
    return value.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,").replace("\n", "\\n")


def _ics_fold(line: str) -> str:
    # RFC 5545: lines of at most 75 octets, continued with CRLF + space
    out, raw = [], line.encode()
    while len(raw) > 75:
        cut = 75 if not out else 74
        while cut > 0 and (raw[cut] & 0xC0) == 0x80:  # never split a UTF-8 character
            cut -= 1
        out.append(raw[:cut].decode())
        raw = raw[cut:]
    out.append(raw.decode())
    return "\r\n ".join(out)


def _utc(iso: str) -> str:
    return datetime.fromisoformat(iso).astimezone(timezone.utc).strftime("%Y%m%dT%H%M%SZ")


def ics(ctx: dict, domain: str) -> str:
    stamp = ctx.get("confirmedAt") or ctx["bookedAt"]
    location = ", ".join(x for x in (ctx["cinema"], ctx["auditorium"], ctx.get("cinemaCity")) if x)
    lines = [
        "BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//Marquee//Booking engine//EN", "METHOD:PUBLISH",
        "BEGIN:VEVENT",
        f"UID:{ctx['bookingReference']}@{domain}",
        f"DTSTAMP:{_utc(stamp)}",
        f"DTSTART:{_utc(ctx['startsAt'])}",
        f"DTEND:{_utc(ctx['endsAt'])}",
        f"SUMMARY:{_ics_text(ctx['movie'] + ' at ' + ctx['cinema'])}",
        f"LOCATION:{_ics_text(location)}",
        f"DESCRIPTION:{_ics_text('Booking ' + ctx['bookingReference'] + ' - seats ' + seats_text(ctx['seats']))}",
        "STATUS:CONFIRMED",
        "END:VEVENT", "END:VCALENDAR",
    ]
    return "\r\n".join(_ics_fold(line) for line in lines) + "\r\n"


def render(ctx: dict, mail_from: str, domain: str, public_url: str = "") -> EmailMessage:
    """The complete email for one outbox message (ctx = booking.mail_context of the row); public_url starts links."""
    kind = ctx["kind"].lower()
    # each live ticket's QR code (its signed code: what the door scans, issue 19), one inline PNG per ticket
    tickets = [{**t, "cid": f"ticket-{i}.{ctx.get('bookingReference') or 'mail'}", "seat": f"{t['rowLabel']}{t['seatNumber']}"}
               for i, t in enumerate(ctx.get("tickets") or [], 1) if t.get("code") and t.get("status") != "VOID"]
    variables = {**ctx, "qr_cid": QR_CID, "public_url": public_url.rstrip("/"), "tickets": tickets}
    text_module = ENV.get_template(f"{kind}.txt").make_module(variables)
    html = ENV.get_template(f"{kind}.html").render(variables)

    msg = EmailMessage()
    msg["Subject"] = str(text_module.subject).strip()
    msg["From"] = mail_from
    msg["To"] = formataddr((ctx["userDetails"]["name"] or "", ctx["userDetails"]["email"]))
    msg["Date"] = format_datetime(datetime.now(timezone.utc))
    msg["Message-ID"] = message_id(ctx, domain)
    msg["Auto-Submitted"] = "auto-generated"
    msg["X-Marquee-Kind"] = ctx["kind"]
    if ctx.get("bookingReference"):
        msg["X-Marquee-Booking-Reference"] = ctx["bookingReference"]
    if ctx.get("waitlistId"):
        msg["X-Marquee-Waitlist-Id"] = ctx["waitlistId"]
    msg["X-Marquee-Outbox-Id"] = str(ctx["outboxId"])
    msg.set_content(str(text_module))
    msg.add_alternative(html, subtype="html")
    if ctx["kind"] == "CONFIRMATION":
        html_part = msg.get_payload()[1]
        for t in tickets:
            html_part.add_related(qr_png(t["code"]), "image", "png", cid=f"<{t['cid']}>",
                                  filename=f"ticket-{ctx['bookingReference']}-{t['seat']}.png", disposition="inline")
        if not tickets:  # no ticket to show (none issued yet): the booking reference's QR code, as before
            html_part.add_related(qr_png(ctx["bookingReference"]), "image", "png", cid=f"<{QR_CID}>",
                                  filename=f"{ctx['bookingReference']}.png", disposition="inline")
        msg.add_attachment(ics(ctx, domain).encode(), maintype="text", subtype="calendar",
                           filename=f"{ctx['bookingReference']}.ics", params={"method": "PUBLISH"})
    return msg
