"""JSON Schema (2020-12, as OpenAPI 3.1 uses it) of the API's bodies, built from small helpers.

Shapes used by more than one operation are named in ``COMPONENTS`` and referred to with
``ref("Name")``; an operation's own shapes are written next to its handler.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel
from pydantic.json_schema import GenerateJsonSchema

from api.errors import STATUS_CODES


def string(**kw: Any) -> dict:
    return {"type": "string", **kw}


def integer(**kw: Any) -> dict:
    return {"type": "integer", **kw}


def number(**kw: Any) -> dict:
    return {"type": "number", **kw}


def boolean(**kw: Any) -> dict:
    return {"type": "boolean", **kw}


def nullable(schema: dict) -> dict:
    """The schema or null (3.1 style: a type list, or anyOf for a reference)."""
    if "$ref" in schema or "type" not in schema:
        return {"anyOf": [schema, {"type": "null"}]}
    types = schema["type"] if isinstance(schema["type"], list) else [schema["type"]]
    out = {**schema, "type": [*types, "null"]}
    if "enum" in out:
        out["enum"] = [*out["enum"], None]
    return out


def array(items: dict, **kw: Any) -> dict:
    return {"type": "array", "items": items, **kw}


def obj(properties: dict, required: list[str] | None = None, open_: bool = False) -> dict:
    """An object; every property is required unless ``required`` says otherwise."""
    schema = {
        "type": "object",
        "properties": properties,
        "required": list(properties) if required is None else required,
    }
    if not open_:
        schema["additionalProperties"] = False
    return schema


def ref(name: str) -> dict:
    assert name in COMPONENTS, name
    return {"$ref": f"#/components/schemas/{name}"}


def envelope(data: dict) -> dict:
    """The spec's success envelope around ``data``."""
    return obj({"success": {"const": True}, "data": data})


DATE_TIME = string(format="date-time")
UUID = string(format="uuid")

ERROR = obj(
    {
        "success": {"const": False},
        "error": obj(
            {
                "code": string(enum=sorted(set(STATUS_CODES) | {"NO_PERSON_DETECTED"})),
                "message": string(),
                "details": {"description": "What was wrong, e.g. {field, reason}"},
                "requestId": nullable(string(description="Also in X-Request-ID and the logs")),
            },
            required=["code", "message"],
        ),
    }
)

USER = obj(
    {
        "id": UUID,
        "email": string(format="email"),
        "username": string(),
        "firstName": nullable(string()),
        "lastName": nullable(string()),
    }
)

PROFILE = obj(
    {
        "id": UUID,
        "email": string(format="email"),
        "username": string(),
        "firstName": nullable(string()),
        "lastName": nullable(string()),
        "profileImageUrl": nullable(
            string(description="A signed link to the stored image; valid for a limited time")
        ),
        "fitnessLevel": nullable(string(enum=["beginner", "intermediate", "advanced"])),
        "goals": nullable(string(maxLength=500)),
        "role": string(enum=["user", "admin"]),
        "isActive": boolean(),
        "createdAt": DATE_TIME,
        "updatedAt": DATE_TIME,
        "lastLogin": nullable(DATE_TIME),
    }
)

EXERCISE = obj(
    {
        "id": UUID,
        "name": string(),
        "category": string(enum=["Upper Body", "Lower Body", "Core", "Other"]),
        "description": nullable(string()),
        "icon": nullable(string()),
        "isPopular": boolean(),
        "views": array(
            string(enum=["side", "front", "rear", "oblique"]),
            description="Camera views the exercise can be judged from",
        ),
        "checks": array(
            obj(
                {
                    "issue": string(),
                    "views": array(string(enum=["side", "front", "rear", "oblique"])),
                }
            ),
            description="Its form checks and the camera views each one needs (how to film it)",
        ),
    }
)

SESSION_STATUS = string(enum=["pending", "processing", "completed", "failed"])

PAGINATION = obj(
    {
        "page": integer(minimum=1),
        "limit": integer(minimum=1),
        "total": integer(minimum=0),
        "totalPages": integer(minimum=0),
    }
)

TREND = nullable(string(enum=["improving", "stable", "declining"]))

COMPONENTS: dict[str, dict] = {
    "Error": ERROR,
    "User": USER,
    "Profile": PROFILE,
    "Exercise": EXERCISE,
    "SessionStatus": SESSION_STATUS,
    "Pagination": PAGINATION,
}


class _NoFieldTitles(GenerateJsonSchema):
    """Field titles ("Framestart") only repeat the property names."""

    def field_title_should_be_set(self, schema) -> bool:
        return False


def model_schema(model: type[BaseModel]) -> dict:
    """A pydantic model's JSON schema (as serialised), its sub-models named in ``COMPONENTS``.

    The shape is then defined once, by the model, and the contract follows it.
    """
    schema = model.model_json_schema(
        mode="serialization",
        ref_template="#/components/schemas/{model}",
        schema_generator=_NoFieldTitles,
    )
    for name, sub in schema.pop("$defs", {}).items():
        assert COMPONENTS.get(name, sub) == sub, f"two shapes named {name}"
        COMPONENTS[name] = sub
    return schema
