"""Checking a paper copy: anyone with a notice's number and its 8-character code learns whether it stands.

The code is random Crockford base32 (no I, L, O, U; read back case-insensitively, I/L as 1, O as 0),
stored with the notice and compared in constant time. The answer shows only the state, number, kind,
issue date and a masked name — never an amount — and an unknown number gets the same answer as a
wrong code.
"""

from __future__ import annotations

import hmac
import secrets
from dataclasses import dataclass

from flask import current_app
from sqlalchemy import select

from .. import clock
from ..extensions import db
from ..models import IssuedNotice

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
LENGTH = 8
_NOBODY = "0" * LENGTH  # compared against when the number is unknown, so both answers take alike


def new_code() -> str:
    return "".join(secrets.choice(ALPHABET) for _ in range(LENGTH))


def normalise(code: str) -> str:
    text = (code or "").strip().upper().replace("-", "").replace(" ", "")
    return text.translate(str.maketrans({"I": "1", "L": "1", "O": "0"}))


def shown(code: str) -> str:
    """The code as printed: two groups of four."""
    return f"{code[:4]}-{code[4:]}" if code and len(code) == LENGTH else code or ""


def verify_url(number: str, code: str) -> str | None:
    base = (current_app.config.get("PUBLIC_BASE_URL") or "").rstrip("/")
    return f"{base}/v/{number}/{code}" if base else None


def mask_name(name: str) -> str:
    """张三丰 → 张*丰, 张三 → 张*, 欧阳堃喆 → 欧**喆."""
    if len(name) <= 1:
        return "*"
    if len(name) == 2:
        return name[0] + "*"
    return name[0] + "*" * (len(name) - 2) + name[-1]


@dataclass(frozen=True)
class PaperCheck:
    number: str
    kind_name: str
    status_name: str
    issued_on: str
    masked_name: str
    successor: str | None


def check(number: str, code: str) -> PaperCheck | None:
    """The notice's standing if *number* and *code* match a signed notice, else None (same for both misses)."""
    notice = db.session.scalar(
        select(IssuedNotice).where(
            IssuedNotice.number == (number or "").strip().upper(), IssuedNotice.sha256.is_not(None)
        )
    )
    stored = notice.verification_code if notice is not None and notice.verification_code else _NOBODY
    matches = hmac.compare_digest(normalise(code).encode(), stored.encode())
    if notice is None or not notice.verification_code or not matches:
        return None
    successor = notice.successor.number if notice.status == "superseded" and notice.successor else None
    return PaperCheck(
        notice.number,
        notice.kind_name,
        notice.status_name,
        clock.local(notice.issued_at).strftime("%Y-%m-%d"),
        mask_name(notice.employee.name),
        successor,
    )
