"""Password hashing (argon2id) and JWT (HS256) access tokens, and the request guard."""

from __future__ import annotations

import asyncio
import datetime as dt
import time
import uuid

import jwt
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from starlette.requests import HTTPConnection

from api.config import get_settings
from api.errors import ApiError
from api.tables import RevokedToken, User

_hasher = PasswordHasher()
ALGORITHM = "HS256"


async def hash_password(password: str) -> str:
    # argon2 takes ~150 ms of CPU by design: keep it off the event loop.
    return await asyncio.to_thread(_hasher.hash, password)


_dummy_hash: str | None = None


async def verify_password(password_hash: str | None, password: str) -> bool:
    """Check a password; with no hash (unknown account) burn the same time and say no."""

    def verify() -> bool:
        global _dummy_hash
        if password_hash is None:
            _dummy_hash = _dummy_hash or _hasher.hash("no-such-account")
        try:
            return _hasher.verify(password_hash or _dummy_hash, password) and bool(password_hash)
        except (VerificationError, InvalidHashError):
            return False

    return await asyncio.to_thread(verify)


def issue_token(user: dict) -> str:
    settings = get_settings()
    now = int(time.time())
    claims = {
        "sub": str(user["id"]),
        "email": user["email"],
        "username": user["username"],
        "role": user.get("role") or "user",
        "iat": now,
        "exp": now + settings.jwt_lifetime_s,
        "jti": uuid.uuid4().hex,
    }
    return jwt.encode(claims, settings.jwt_secret, algorithm=ALGORITHM)


def decode_token(token: str) -> dict:
    try:
        return jwt.decode(
            token,
            get_settings().jwt_secret,
            algorithms=[ALGORITHM],
            options={"require": ["sub", "exp", "iat", "jti"]},
        )
    except jwt.ExpiredSignatureError as exc:
        raise ApiError("AUTHENTICATION_ERROR", "Token has expired") from exc
    except jwt.InvalidTokenError as exc:
        raise ApiError("AUTHENTICATION_ERROR", "Invalid token") from exc


def bearer_token(conn: HTTPConnection) -> str | None:
    header = conn.headers.get("authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() == "bearer" and token:
        return token.strip()
    # Browsers cannot set headers on a WebSocket handshake: accept ?token= there.
    if conn.scope["type"] == "websocket":
        return conn.query_params.get("token")
    return None


async def current_user(conn: HTTPConnection) -> dict:
    """The active user the request's token names, or AUTHENTICATION_ERROR."""
    token = bearer_token(conn)
    if not token:
        raise ApiError("AUTHENTICATION_ERROR", "Missing bearer token")
    claims = decode_token(token)
    try:
        user_id = uuid.UUID(claims["sub"])
    except (ValueError, TypeError) as exc:
        raise ApiError("AUTHENTICATION_ERROR", "Invalid token") from exc
    if await RevokedToken.exists().where(RevokedToken.jti == str(claims["jti"])):
        raise ApiError("AUTHENTICATION_ERROR", "Token has been revoked")
    user = await User.select().where(User.id == user_id).first()
    if user is None or not user["is_active"]:
        raise ApiError("AUTHENTICATION_ERROR", "Account not found or disabled")
    conn.state.claims = claims
    return user


async def require_admin(conn: HTTPConnection) -> dict:
    """The current user if their role (as stored now, not as the token says) is admin."""
    user = await current_user(conn)
    if user["role"] != "admin":
        raise ApiError("AUTHORIZATION_ERROR", "This endpoint is for administrators")
    return user


async def revoke(claims: dict) -> None:
    """Refuse this token from now until it expires (then its row is swept)."""
    now = dt.datetime.now(dt.UTC)
    expires = dt.datetime.fromtimestamp(int(claims["exp"]), dt.UTC)
    await RevokedToken.delete().where(RevokedToken.expires_at < now)
    await RevokedToken.insert(
        RevokedToken(
            jti=str(claims["jti"])[:64], user_id=uuid.UUID(claims["sub"]), expires_at=expires
        )
    ).on_conflict(action="DO NOTHING")
