"""The parent links' secret and tokens: the core's ``links`` with a key derived from the site's secret.

The key is HMAC-SHA256(SECRET_KEY, salt): 32 bytes, never stored, and useless for anything else the
site signs (sessions, CSRF) because of the salt. ``VOUCHER_LINK_SECRET`` in the settings, when set,
replaces it (rotating it voids every link still out).
"""

from __future__ import annotations

import segno
from django.conf import settings
from django.utils.crypto import salted_hmac
from django.utils.html import escape

from birtizim.vouchers import links
from birtizim.web.vouchers.models import ConfirmationLink

SALT = "birtizim.web.vouchers.parent-confirmation"


def secret() -> bytes:
    configured = getattr(settings, "VOUCHER_LINK_SECRET", "")
    if configured:
        key = configured.encode("utf-8") if isinstance(configured, str) else bytes(configured)
    else:
        key = salted_hmac(SALT, "link-key", secret=settings.SECRET_KEY, algorithm="sha256").digest()
    if len(key) < links.MIN_SECRET_BYTES:
        raise ValueError(f"the parent link secret must be at least {links.MIN_SECRET_BYTES} bytes")
    return key


def token_for(link: ConfirmationLink) -> str:
    """The link's token, rebuilt from the stored nonce and times: the same link always prints the same."""
    return links.issue(
        secret=secret(),
        enrolment_id=link.enrolment_id,
        child_id=link.enrolment.child_id,
        group_id=link.enrolment.group_id,
        period=link.period,
        ttl=link.expires_at - link.sent_at,
        now=link.sent_at,
        nonce=link.nonce,
    )


def link_qr_svg(url: str, label: str) -> str:
    """The parent's link as an inline SVG QR code (segno): error correction M at least (segno raises it
    when the symbol has room), a quiet zone of 4 modules, dark on white for any printer. ``label`` names
    it for a screen reader (the link itself is printed beside it)."""
    symbol = segno.make_qr(url, error="m")
    svg = str(
        symbol.svg_inline(scale=4, border=4, svgclass="qr", lineclass=None, dark="#000", light="#fff", title=label)
    )
    return svg.replace("<svg ", f'<svg role="img" aria-label="{escape(label)}" ', 1)
