"""Passwords (argon2id), random tokens, and HMAC signatures keyed by SECRET_KEY."""

from __future__ import annotations

import asyncio
import base64
import hashlib
import hmac
import secrets
from functools import lru_cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from server.core.config import Settings


class Passwords:
    """Argon2id hashing with the configured cost, run off the event loop."""

    def __init__(self, settings: Settings) -> None:
        self._hasher = PasswordHasher(
            time_cost=settings.ARGON2_TIME_COST,
            memory_cost=settings.ARGON2_MEMORY_KIB,
            parallelism=settings.ARGON2_PARALLELISM,
        )
        # Verified against unknown phones so that a wrong phone takes as long as a
        # wrong password and log-in does not reveal which phones have accounts.
        self._dummy_hash = self._hasher.hash(secrets.token_urlsafe(16))

    def hash_sync(self, password: str) -> str:
        return self._hasher.hash(password)

    async def hash(self, password: str) -> str:
        return await asyncio.to_thread(self._hasher.hash, password)

    def _verify(self, stored: str | None, password: str) -> bool:
        try:
            return self._hasher.verify(stored or self._dummy_hash, password) and bool(stored)
        except (VerificationError, InvalidHashError):
            return False

    async def verify(self, stored: str | None, password: str) -> bool:
        """True when the password matches; with stored=None it spends the same time."""
        return await asyncio.to_thread(self._verify, stored, password)

    def needs_rehash(self, stored: str) -> bool:
        return self._hasher.check_needs_rehash(stored)


def new_token(nbytes: int = 32) -> str:
    return secrets.token_urlsafe(nbytes)


def token_hash(token: str) -> str:
    """What is stored for a session or API token: never the token itself."""
    return hashlib.sha256(token.encode()).hexdigest()


@lru_cache(maxsize=64)
def purpose_key(secret: str, purpose: str) -> bytes:
    # One derived key per purpose, so a signature made for one use (a session cookie)
    # is never accepted for another (a CSRF token, a trace code).
    return hmac.new(secret.encode(), f"hulin/{purpose}".encode(), hashlib.sha256).digest()


def mac(secret: str, purpose: str, message: str | bytes) -> bytes:
    data = message.encode() if isinstance(message, str) else message
    return hmac.new(purpose_key(secret, purpose), data, hashlib.sha256).digest()


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def sign(secret: str, purpose: str, value: str) -> str:
    """`value.signature` (value must not contain a dot)."""
    return f"{value}.{_b64(mac(secret, purpose, value))}"


def unsign(secret: str, purpose: str, signed: str | None) -> str | None:
    """The value when the signature is right, else None (constant-time compare)."""
    if not signed or signed.count(".") != 1:
        return None
    value, signature = signed.split(".")
    expected = _b64(mac(secret, purpose, value))
    return value if hmac.compare_digest(signature, expected) else None
