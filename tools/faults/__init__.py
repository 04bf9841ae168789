"""Form-fault rules that turn measurements into coaching issues.

Rules register themselves (tools.faults.base.rule) when their module is imported below; catalog
profiles name them. Each rule is documented in docs/form-rules.md.
"""

from __future__ import annotations

from tools.exercises import EXERCISES, CatalogError
from tools.faults import body_line, extent, hinge, lower, upper  # noqa: F401  (registers)
from tools.faults.base import RULES, Rule, RuleContext, landmark_confidence
from tools.faults.generic import GENERIC, SUPERSEDED_BY

__all__ = ["GENERIC", "RULES", "Rule", "RuleContext", "landmark_confidence", "check_catalog_rules"]


def check_catalog_rules(exercises=EXERCISES) -> None:
    """Raises CatalogError naming the first catalog entry that names an unknown rule."""
    for exercise in exercises:
        for name in exercise.profile.rules:
            if name not in RULES:
                raise CatalogError(
                    f"exercise catalog entry {exercise.id!r}: unknown fault rule {name!r}"
                )
            if exercise.profile.mode == "hold" and not name.startswith("plank_"):
                raise CatalogError(
                    f"exercise catalog entry {exercise.id!r}: rule {name!r} needs reps, "
                    "but the exercise is a hold"
                )


def _check_generic() -> None:
    """Raises CatalogError when generic checks and rules clash or name unknown ones."""
    clash = set(GENERIC) & set(RULES)
    if clash:
        raise CatalogError(f"generic checks and fault rules share names {sorted(clash)}")
    for check, rules in SUPERSEDED_BY.items():
        unknown = (set(rules) - set(RULES)) | ({check} - set(GENERIC))
        if unknown:
            raise CatalogError(f"generic.SUPERSEDED_BY names unknown checks {sorted(unknown)}")


check_catalog_rules()
_check_generic()
