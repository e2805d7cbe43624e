"""Trace codes: random, signed with SECRET_KEY, checkable without a database read.

A code is 14 characters from a 32-letter alphabet without look-alikes (no 0/O, 1/I):
8 random characters (40 bits) followed by 6 characters (30 bits) of an HMAC over them.
A forged or mistyped code fails the signature check before any query is made; a guess
that passes it has odds of one in a billion and still has to exist in the database.
Codes are case-insensitive: lower case is read as upper case.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from functools import lru_cache

ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"
RANDOM_CHARS = 8
TAG_CHARS = 6
CODE_LENGTH = RANDOM_CHARS + TAG_CHARS
_ALLOWED = frozenset(ALPHABET)


def _encode(value: int, length: int) -> str:
    """`length` characters for the low 5*length bits of value, most significant first."""
    return "".join([ALPHABET[value >> (5 * i) & 31] for i in range(length - 1, -1, -1)])


@lru_cache(maxsize=8)
def _keyed(secret: str) -> hmac.HMAC:
    # A key of its own, so no other signature made with SECRET_KEY can pass as a code.
    # Kept keyed: copying it is cheaper than keying HMAC afresh for every scan.
    key = hmac.new(secret.encode(), b"hulin/trace-code", hashlib.sha256).digest()
    return hmac.new(key, digestmod=hashlib.sha256)


def _tag(secret: str, payload: str) -> str:
    mac = _keyed(secret).copy()
    mac.update(payload.encode())
    return _encode(int.from_bytes(mac.digest()[:4], "big") >> 2, TAG_CHARS)  # top 30 bits


def new_code(secret: str) -> str:
    payload = _encode(secrets.randbits(5 * RANDOM_CHARS), RANDOM_CHARS)
    return payload + _tag(secret, payload)


def normalize(raw: str) -> str:
    """Upper case without spaces or dashes, as people might type a printed code."""
    return (raw or "").upper().replace(" ", "").replace("-", "")


def verify(secret: str, raw: str) -> str | None:
    """The canonical code when its signature holds, else None (forged or mistyped)."""
    code = normalize(raw) if len(raw or "") != CODE_LENGTH else raw.upper()
    if len(code) != CODE_LENGTH or not _ALLOWED.issuperset(code):
        return None
    payload, tag = code[:RANDOM_CHARS], code[RANDOM_CHARS:]
    return code if hmac.compare_digest(tag, _tag(secret, payload)) else None
