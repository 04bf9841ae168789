"""What ``GET /user/export`` gathers: one section per kind of data, each from its own module.

A feature that stores personal data adds its section with ``export_section("name")`` on an
``async def section(request, user) -> JSON value``; erasure needs nothing more as long as its
tables reference ``users`` (or a session) with ON DELETE CASCADE and its files live under
``users/{user_id}/`` in storage.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from starlette.requests import Request

Section = Callable[[Request, dict], Awaitable[Any]]
_SECTIONS: dict[str, Section] = {}


def export_section(name: str) -> Callable[[Section], Section]:
    def register(fn: Section) -> Section:
        _SECTIONS[name] = fn
        return fn

    return register


async def collect(request: Request, user: dict) -> dict[str, Any]:
    # The built-in sections register on import.
    from api.routes import analysis, progress  # noqa: F401

    return {name: await fn(request, user) for name, fn in _SECTIONS.items()}
