"""The caller's account: profile (GET/PUT, with an optional image), GDPR export and erasure."""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
import uuid

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from api import gdpr
from api.auth import current_user
from api.errors import ApiError, ok
from api.images import MAX_IMAGE_BYTES, validate_image
from api.links import stored_link
from api.openapi import operation
from api.parsing import json_body
from api.results import iso
from api.schemas import envelope, nullable, obj, ref, string
from api.storage import profile_image_key, user_prefix
from api.tables import User
from api.uploads import parse_multipart

log = logging.getLogger("biome.user")


def profile_json(request: Request, user: dict) -> dict:
    return {
        "id": str(user["id"]),
        "email": user["email"],
        "username": user["username"],
        "firstName": user["first_name"],
        "lastName": user["last_name"],
        "profileImageUrl": stored_link(request, user["profile_image_url"]),
        "fitnessLevel": user.get("fitness_level"),
        "goals": user.get("goals"),
        "role": user["role"] or "user",
        "isActive": bool(user["is_active"]),
        "createdAt": iso(user["created_at"]),
        "updatedAt": iso(user["updated_at"]),
        "lastLogin": iso(user["last_login"]),
    }


@operation(
    summary="The caller's profile",
    tag="User",
    responses={200: ("Profile", envelope(ref("Profile")))},
)
async def get_profile(request: Request):
    user = await current_user(request)
    return ok(profile_json(request, user))


NAME = nullable(string(maxLength=100))
FITNESS_LEVELS = ("beginner", "intermediate", "advanced")
FITNESS_LEVEL = nullable(string(enum=list(FITNESS_LEVELS)))
GOALS = nullable(string(maxLength=500))
PROFILE_BODY = {
    "required": True,
    "content": {
        "application/json": {
            "schema": obj(
                {
                    "firstName": NAME,
                    "lastName": NAME,
                    "fitnessLevel": FITNESS_LEVEL,
                    "goals": GOALS,
                },
                required=[],
            )
        },
        "multipart/form-data": {
            "schema": obj(
                {
                    "firstName": string(maxLength=100),
                    "lastName": string(maxLength=100),
                    "fitnessLevel": string(
                        enum=[*FITNESS_LEVELS, ""], description="Empty clears it"
                    ),
                    "goals": string(maxLength=500, description="Empty clears them"),
                    "profileImage": string(
                        contentMediaType="application/octet-stream",
                        description="JPEG, PNG or WebP, ≤ 5 MB, sides ≤ 4096 px",
                    ),
                },
                required=[],
            ),
            "encoding": {"profileImage": {"contentType": "application/octet-stream"}},
        },
    },
}


def _name(value, field: str) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str) or len(value.strip()) > 100:
        raise ApiError(
            "VALIDATION_ERROR", f"{field} must be text of at most 100 characters", {"field": field}
        )
    return value.strip() or None


def _fitness_level(value) -> str | None:
    if value is None or value == "":
        return None
    if value not in FITNESS_LEVELS:
        raise ApiError(
            "VALIDATION_ERROR",
            "fitnessLevel must be beginner, intermediate or advanced",
            {"field": "fitnessLevel"},
        )
    return value


def _goals(value) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str) or len(value.strip()) > 500:
        raise ApiError(
            "VALIDATION_ERROR", "goals must be text of at most 500 characters", {"field": "goals"}
        )
    return value.strip() or None


# Each profile field the form or the JSON body may set: its column and how it is checked.
FIELDS = (
    ("firstName", User.first_name, lambda v: _name(v, "firstName")),
    ("lastName", User.last_name, lambda v: _name(v, "lastName")),
    ("fitnessLevel", User.fitness_level, _fitness_level),
    ("goals", User.goals, _goals),
)


@operation(
    summary="Update the caller's names, fitness level, goals and/or profile image",
    tag="User",
    description=(
        "JSON `{firstName, lastName, fitnessLevel, goals}` (null clears one; fitnessLevel is "
        "beginner, intermediate or advanced, goals at most 500 characters), or multipart with "
        "the same fields (empty clears one) "
        "and an optional `profileImage` file, validated by content and decoded before it is "
        "stored. Fields left out stay as they are."
    ),
    body=PROFILE_BODY,
    responses={200: ("The updated profile", envelope(obj({"user": ref("Profile")})))},
    errors={413: "The image exceeds 5 MB", 422: "The image is not a valid JPEG, PNG or WebP"},
)
async def put_profile(request: Request):
    user = await current_user(request)
    state = request.app.state
    content_type = request.headers.get("content-type", "")
    values: dict = {}
    new_key: str | None = None
    if content_type.startswith("multipart/form-data"):
        form = await parse_multipart(request, state.settings.tmp_dir, MAX_IMAGE_BYTES)
        try:
            unknown = (set(form.fields) - {field for field, _, _ in FIELDS}) | (
                set(form.files) - {"profileImage"}
            )
            if unknown:
                # As for the JSON body: a misspelt field is an error, not silently ignored.
                name = sorted(unknown)[0][:100]
                raise ApiError(
                    "VALIDATION_ERROR",
                    f"Unknown field {name!r}: not part of this form",
                    {"field": name, "reason": "unknown"},
                )
            for field, column, check in FIELDS:
                if field in form.fields:
                    values[column] = check(form.fields[field])
            if (image := form.files.get("profileImage")) is not None:
                kind = await asyncio.to_thread(validate_image, image.path)
                if isinstance(kind, str):
                    raise ApiError(
                        "UNSUPPORTED_FORMAT",
                        f"profileImage: {kind}",
                        {"field": "profileImage", "reason": kind},
                    )
                new_key = profile_image_key(user["id"], uuid.uuid4().hex, kind[1])
                await state.storage.put_file(image.path, new_key)
                values[User.profile_image_url] = state.storage.url_for(new_key)
        finally:
            form.discard()
    else:
        body = await json_body(request)
        for field, column, check in FIELDS:
            if field in body:
                values[column] = check(body[field])
    try:
        if values:
            values[User.updated_at] = dt.datetime.now(dt.UTC)
            await User.update(values).where(User.id == user["id"])
    except BaseException:
        if new_key:
            await state.storage.delete_prefix(new_key)
        raise
    old = user["profile_image_url"]
    if new_key and old:
        # The replaced image is no longer the user's: nothing of it stays behind.
        try:
            await state.storage.delete_prefix(state.storage.key_of(old))
        except ValueError:
            log.warning("old profile image %s is outside the configured storage", old)
    row = await User.select().where(User.id == user["id"]).first()
    return ok({"user": profile_json(request, row)})


@operation(
    summary="Download everything Biome holds about the caller (GDPR art. 15/20)",
    tag="User",
    description=(
        "A JSON attachment: the account, every analysis with its results, progress, and any "
        "other section a feature registers; stored videos and images as signed links."
    ),
    responses={
        200: (
            "The export (Content-Disposition: attachment)",
            envelope(
                obj(
                    {"exportedAt": string(format="date-time"), "user": ref("Profile")},
                    required=["exportedAt", "user"],
                    open_=True,
                )
            ),
        )
    },
)
async def export(request: Request):
    user = await current_user(request)
    data = {
        "exportedAt": iso(dt.datetime.now(dt.UTC)),
        "user": profile_json(request, user),
        **await gdpr.collect(request, user),
    }
    filename = f"biome-export-{user['id']}.json"
    return JSONResponse(
        {"success": True, "data": data},
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


@operation(
    summary="Erase the caller's account, analyses and stored files (GDPR art. 17)",
    tag="User",
    description="Immediate and complete; the token stops working. Answers 204.",
    responses={204: ("Erased", None)},
)
async def delete_user(request: Request):
    user = await current_user(request)
    # Files first: should that fail, the account is still there and the request can be retried.
    await request.app.state.storage.delete_prefix(user_prefix(user["id"]))
    # Sessions, results, progress and any table keyed to the user cascade with the row.
    await User.delete().where(User.id == user["id"])
    log.info("account erased", extra={"userId": str(user["id"])})
    return Response(status_code=204)
