"""QR codes of booking references and tickets, drawn server-side as SVG (no image library or network needed)."""

import base64
import io

import qrcode
import qrcode.image.svg


def qr_svg(text: str) -> bytes:
    # Medium error correction survives a scuffed phone screen at the door; path image = one small element.
    qr = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, box_size=10, border=2,
                       image_factory=qrcode.image.svg.SvgPathFillImage)
    qr.add_data(text)
    qr.make(fit=True)
    buf = io.BytesIO()
    qr.make_image().save(buf)
    return buf.getvalue()


def qr_data_uri(text: str) -> str:
    """The QR code as a data: URL for an <img> (the page's CSP allows data: images)."""
    return "data:image/svg+xml;base64," + base64.b64encode(qr_svg(text)).decode()
