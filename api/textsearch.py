"""Case-insensitive "contains" filters in SQL, with the caller's text taken literally.

A search for ``%`` or ``_`` must find names containing that character, not match everything:
LIKE's wildcards (and the escape character itself) are escaped, with an explicit ``ESCAPE``
because SQLite has no default escape character.
"""

from __future__ import annotations

from piccolo.columns import Column
from piccolo.columns.combination import WhereRaw

ESCAPE = "!"


def like_pattern(text: str) -> str:
    """``%text%`` with ``!``, ``%`` and ``_`` escaped by ``!``."""
    for char in (ESCAPE, "%", "_"):
        text = text.replace(char, ESCAPE + char)
    return f"%{text}%"


def contains(column: Column, text: str) -> WhereRaw:
    """Rows whose ``column`` contains ``text``, ignoring case (ASCII case on SQLite)."""
    # SQLite's LIKE already ignores ASCII case (and it has no ILIKE).
    operator = "ILIKE" if column._meta.engine_type == "postgres" else "LIKE"
    name = column._meta.db_column_name
    return WhereRaw(f"\"{name}\" {operator} {{}} ESCAPE '{ESCAPE}'", like_pattern(text))
