"""POST /auth/register, POST /auth/login and POST /auth/logout."""

from __future__ import annotations

import datetime as dt
import re

from starlette.requests import Request
from starlette.responses import Response

from api.auth import current_user, hash_password, issue_token, revoke, verify_password
from api.errors import ApiError, ok
from api.openapi import PUBLIC, operation
from api.openapi import json_body as body_of
from api.parsing import json_body, text_field
from api.schemas import envelope, nullable, obj, ref, string
from api.tables import User

EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
USERNAME = re.compile(r"^[A-Za-z0-9_.-]{3,100}$")


def user_json(user: dict) -> dict:
    return {
        "id": str(user["id"]),
        "email": user["email"],
        "username": user["username"],
        "firstName": user["first_name"],
        "lastName": user["last_name"],
    }


AUTH_RESULT = envelope(obj({"user": ref("User"), "token": string(description="JWT (HS256)")}))
REGISTER = obj(
    {
        "email": string(format="email", maxLength=255),
        "username": string(pattern="^[A-Za-z0-9_.-]{3,100}$"),
        "password": string(minLength=8, maxLength=256),
        "firstName": nullable(string(maxLength=100)),
        "lastName": nullable(string(maxLength=100)),
    },
    required=["email", "username", "password"],
    open_=True,
)
LOGIN = obj({"email": string(maxLength=255), "password": string(maxLength=256)}, open_=True)


@operation(
    summary="Create an account",
    tag="Auth",
    access=PUBLIC,
    description="Rate limited per IP more strictly than other endpoints.",
    body=body_of(REGISTER),
    responses={201: ("The account and a token", AUTH_RESULT)},
    errors={409: "The email or username is taken (CONFLICT)"},
)
async def register(request: Request):
    body = await json_body(request)
    email = text_field(body, "email", required=True).lower()
    username = text_field(body, "username", required=True)
    password = body.get("password")
    first_name = text_field(body, "firstName")
    last_name = text_field(body, "lastName")
    if not EMAIL.match(email) or len(email) > 255:
        raise ApiError("VALIDATION_ERROR", "Invalid email address", {"field": "email"})
    if not USERNAME.match(username):
        raise ApiError(
            "VALIDATION_ERROR",
            "Username must be 3–100 letters, digits, '.', '_' or '-'",
            {"field": "username"},
        )
    if not isinstance(password, str) or not 8 <= len(password) <= 256:
        raise ApiError(
            "VALIDATION_ERROR", "Password must be 8–256 characters", {"field": "password"}
        )
    for value, field in ((first_name, "firstName"), (last_name, "lastName")):
        if value is not None and len(value) > 100:
            raise ApiError("VALIDATION_ERROR", f"{field} is too long", {"field": field})

    taken = await User.select(User.email, User.username).where(
        (User.email == email) | (User.username == username)
    )
    if taken:
        field = "email" if any(t["email"] == email for t in taken) else "username"
        raise ApiError("CONFLICT", f"That {field} is already registered", {"field": field})

    user = User(
        email=email,
        username=username,
        password_hash=await hash_password(password),
        first_name=first_name,
        last_name=last_name,
        last_login=dt.datetime.now(dt.UTC),
    )
    try:
        await user.save()
    except Exception as exc:  # a concurrent registration won the unique index
        raise ApiError("CONFLICT", "That email or username is already registered") from exc
    row = await User.select().where(User.id == user.id).first()
    return ok({"user": user_json(row), "token": issue_token(row)}, status_code=201)


@operation(
    summary="Log in with email and password",
    tag="Auth",
    access=PUBLIC,
    description="Rate limited per IP more strictly than other endpoints.",
    body=body_of(LOGIN),
    responses={200: ("The account and a token", AUTH_RESULT)},
    errors={401: "Wrong email or password, or a disabled account"},
)
async def login(request: Request):
    body = await json_body(request)
    # A blank email is well-formed and names no account: 401 like any other unknown one.
    email, password = body.get("email"), body.get("password")
    for value, field in ((email, "email"), (password, "password")):
        if not isinstance(value, str):
            raise ApiError("VALIDATION_ERROR", f"{field} is required", {"field": field})
    email = email.strip().lower()
    user = await User.select().where(User.email == email).first()
    # Verify even for an unknown email so timing does not tell which emails exist.
    valid = await verify_password(user["password_hash"] if user else None, password)
    if not user or not valid:
        raise ApiError("AUTHENTICATION_ERROR", "Invalid email or password")
    if not user["is_active"]:
        raise ApiError("AUTHENTICATION_ERROR", "This account is disabled")
    now = dt.datetime.now(dt.UTC)
    await User.update({User.last_login: now}).where(User.id == user["id"])
    return ok({"user": user_json(user), "token": issue_token(user)})


@operation(
    summary="Log out: revoke the token used for this request",
    tag="Auth",
    responses={204: ("Revoked", None)},
)
async def logout(request: Request):
    """Revoke the token the request carries; it is refused from now until it expires."""
    await current_user(request)
    await revoke(request.state.claims)
    return Response(status_code=204)
