"""GET /exercises and GET /exercises/categories."""

from __future__ import annotations

from starlette.requests import Request

from api.errors import ApiError, ok
from api.openapi import PUBLIC, operation, query
from api.schemas import array, envelope, integer, obj, ref, string
from api.tables import Exercise

CATEGORIES = ("Upper Body", "Lower Body", "Core", "Other")
CACHE = {"Cache-Control": "public, max-age=300"}


def exercise_json(row: dict) -> dict:
    return {
        "id": str(row["id"]),
        "name": row["name"],
        "category": row["category"],
        "description": row["description"],
        "icon": row["icon"],
        "isPopular": row["is_popular"],
    }


def _flag(value: str | None, name: str) -> bool | None:
    if value is None:
        return None
    if value.lower() in ("true", "1", "yes"):
        return True
    if value.lower() in ("false", "0", "no"):
        return False
    raise ApiError("VALIDATION_ERROR", f"{name} must be true or false", {"field": name})


@operation(
    summary="The exercise catalog",
    tag="Exercises",
    access=PUBLIC,
    description="Cacheable for 5 minutes (Cache-Control: public, max-age=300).",
    params=(
        query("category", string(enum=list(CATEGORIES)), "Only this category"),
        query("popular", string(enum=["true", "false"]), "Only (not) popular ones"),
        query("search", string(maxLength=100), "Part of the name, any case"),
    ),
    responses={200: ("Exercises by name", envelope(obj({"exercises": array(ref("Exercise"))})))},
)
async def list_exercises(request: Request):
    query = Exercise.select().order_by(Exercise.name)
    if category := request.query_params.get("category"):
        query = query.where(Exercise.category == category)
    popular = _flag(request.query_params.get("popular"), "popular")
    if popular is not None:
        query = query.where(Exercise.is_popular == popular)
    if search := request.query_params.get("search"):
        pattern = f"%{search.strip()}%"
        # SQLite's LIKE is already case-insensitive (and it has no ILIKE).
        postgres = Exercise._meta.db.engine_type == "postgres"
        query = query.where(
            Exercise.name.ilike(pattern) if postgres else Exercise.name.like(pattern)
        )
    rows = await query
    return ok({"exercises": [exercise_json(r) for r in rows]}, headers=CACHE)


@operation(
    summary="Exercise categories with counts",
    tag="Exercises",
    access=PUBLIC,
    description="Cacheable for 5 minutes.",
    responses={
        200: (
            "Categories that have exercises",
            envelope(
                obj({"categories": array(obj({"name": string(), "count": integer(minimum=1)}))})
            ),
        )
    },
)
async def list_categories(request: Request):
    rows = await Exercise.select(Exercise.category)
    counts = {c: 0 for c in CATEGORIES}
    for row in rows:
        counts[row["category"]] = counts.get(row["category"], 0) + 1
    categories = [{"name": name, "count": n} for name, n in counts.items() if n]
    return ok({"categories": categories}, headers=CACHE)
