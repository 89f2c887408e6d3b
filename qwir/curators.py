"""Curator accounts and API tokens: create, authenticate (argon2), issue, verify and revoke bearer tokens."""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from dataclasses import dataclass

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import select

from qwir.curator_sessions import end_all_sessions
from qwir.extensions import db
from qwir.models import ApiToken, Curator, utcnow

MIN_PASSWORD_LENGTH = 12
TOKEN_PREFIX = "qwir_"  # noqa: S105 (a marker that makes leaked tokens easy to spot, not a secret)
EMAIL_PATTERN = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")

_hasher = PasswordHasher()
# Verifying against this keeps an unknown email as slow as a wrong password, so timing tells nothing.
# Made on first use: a hash costs as much as a sign-in, and every process (workers, the CLI) would
# otherwise pay it at import.
_DUMMY_HASH: str | None = None


def _dummy_hash() -> str:
    global _DUMMY_HASH
    if _DUMMY_HASH is None:
        _DUMMY_HASH = _hasher.hash(secrets.token_hex(16))
    return _DUMMY_HASH


class CuratorError(ValueError):
    """A curator account or token request that cannot be honoured; the message is safe to show."""


@dataclass(frozen=True)
class IssuedToken:
    """A freshly issued token: `secret` is shown once and never stored."""

    token: ApiToken
    secret: str


def normalise_email(email: str) -> str:
    return (email or "").strip().lower()


def create_curator(email: str, password: str) -> Curator:
    """Create an active curator; refuses a malformed or taken email and a short password."""
    email = normalise_email(email)
    if not EMAIL_PATTERN.match(email) or len(email) > 254:
        raise CuratorError("Give a valid email address.")
    if len(password) < MIN_PASSWORD_LENGTH:
        raise CuratorError(f"The password needs at least {MIN_PASSWORD_LENGTH} characters.")
    if find_curator(email):
        raise CuratorError(f"A curator with the email {email} already exists.")
    curator = Curator(email=email, password_hash=_hasher.hash(password), active=True)
    db.session.add(curator)
    db.session.commit()
    return curator


def find_curator(email: str) -> Curator | None:
    return db.session.scalar(select(Curator).where(Curator.email == normalise_email(email)))


def authenticate(email: str, password: str) -> Curator | None:
    """The active curator with this email and password, or None (whatever the reason)."""
    curator = find_curator(email)
    if curator is None or not curator.active:
        _verify(_dummy_hash(), password)
        return None
    if not _verify(curator.password_hash, password):
        return None
    if _hasher.check_needs_rehash(curator.password_hash):
        curator.password_hash = _hasher.hash(password)
    curator.last_login_at = utcnow()
    db.session.commit()
    return curator


def _verify(password_hash: str, password: str) -> bool:
    try:
        return _hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def hash_token(secret: str) -> str:
    """Tokens carry 256 random bits, so a plain SHA-256 is enough to store them safely."""
    return hashlib.sha256(secret.encode()).hexdigest()


def set_password(curator: Curator, password: str) -> None:
    """Change a curator's password; every session signed in with the old one ends."""
    if len(password) < MIN_PASSWORD_LENGTH:
        raise CuratorError(f"The password needs at least {MIN_PASSWORD_LENGTH} characters.")
    curator.password_hash = _hasher.hash(password)
    end_all_sessions(curator)


def deactivate(curator: Curator) -> None:
    """Close an account: its sessions end at once and its tokens stop working (they check `active`)."""
    curator.active = False
    end_all_sessions(curator)


def issue_token(curator: Curator, label: str = "") -> IssuedToken:
    """A new bearer token for `curator` (an active one); only its hash is kept."""
    if not curator.active:
        raise CuratorError("This curator account is disabled.")
    secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken(curator=curator, label=label.strip()[:120], token_hash=hash_token(secret))
    db.session.add(token)
    db.session.commit()
    return IssuedToken(token=token, secret=secret)


def verify_token(secret: str) -> ApiToken | None:
    """The live (unrevoked) token matching `secret`, or None."""
    if not secret.startswith(TOKEN_PREFIX):
        return None
    digest = hash_token(secret)
    token = db.session.scalar(select(ApiToken).where(ApiToken.token_hash == digest))
    if token is None or token.revoked_at is not None or not hmac.compare_digest(token.token_hash, digest):
        return None
    token.last_used_at = utcnow()
    db.session.commit()
    return token


def curator_tokens(curator: Curator) -> list[ApiToken]:
    """A curator's tokens, newest first, revoked ones included (they stay listed as revoked)."""
    query = select(ApiToken).where(ApiToken.curator_id == curator.id).order_by(ApiToken.id.desc())
    return list(db.session.scalars(query))


def revoke_token(token_id: int, curator: Curator | None = None) -> ApiToken:
    """Revoke a token; with `curator`, only one of that curator's own tokens."""
    token = db.session.get(ApiToken, token_id)
    if token is None or (curator is not None and token.curator_id != curator.id):
        raise CuratorError(f"No token with id {token_id}.")
    if token.revoked_at is None:
        token.revoked_at = utcnow()
        db.session.commit()
    return token
