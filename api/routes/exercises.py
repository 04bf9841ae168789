"""GET /exercises and GET /exercises/categories."""

from __future__ import annotations

from starlette.requests import Request

from api.errors import ok
from api.openapi import PUBLIC, operation, query
from api.parsing import query_choice, query_flag, query_text
from api.schemas import array, envelope, integer, obj, ref, string
from api.tables import Exercise
from api.textsearch import contains
from tools.exercises import resolve_exercise
from tools.faults import RULES

CATEGORIES = ("Upper Body", "Lower Body", "Core", "Other")
MAX_SEARCH_CHARS = 100
CACHE = {"Cache-Control": "public, max-age=300"}


def exercise_json(row: dict) -> dict:
    return {
        "id": str(row["id"]),
        "name": row["name"],
        "category": row["category"],
        "description": row["description"],
        "icon": row["icon"],
        "isPopular": row["is_popular"],
        **filming(row["name"]),
    }


def filming(name: str) -> dict:
    """How to film an exercise: its views, and the views each of its form checks needs."""
    exercise = resolve_exercise(name)
    if exercise is None:
        return {"views": [], "checks": []}
    profile = exercise.profile
    return {
        "views": list(profile.views),
        "checks": [
            {"issue": RULES[rule].issue, "views": list(RULES[rule].views)} for rule in profile.rules
        ],
    }


@operation(
    summary="The exercise catalog",
    tag="Exercises",
    access=PUBLIC,
    description="Cacheable for 5 minutes (Cache-Control: public, max-age=300).",
    params=(
        query("category", string(enum=list(CATEGORIES)), "Only this category"),
        query("popular", string(enum=["true", "false"]), "Only (not) popular ones"),
        query("search", string(maxLength=MAX_SEARCH_CHARS), "Part of the name, any case"),
    ),
    responses={200: ("Exercises by name", envelope(obj({"exercises": array(ref("Exercise"))})))},
)
async def list_exercises(request: Request):
    query = Exercise.select().order_by(Exercise.name)
    if (category := query_choice(request, "category", CATEGORIES)) is not None:
        query = query.where(Exercise.category == category)
    if (popular := query_flag(request, "popular")) is not None:
        query = query.where(Exercise.is_popular == popular)
    if search := query_text(request, "search", MAX_SEARCH_CHARS):
        query = query.where(contains(Exercise.name, search))
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
