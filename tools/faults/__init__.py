"""Form-fault rules that turn measurements into coaching issues.

Rules register themselves (tools.faults.base.rule) when their module is imported below; catalog
profiles name them. Each rule is documented in docs/form-rules.md.
"""

from __future__ import annotations

from tools.exercises import EXERCISES, CatalogError
from tools.faults import body_line, extent, hinge, lower, upper  # noqa: F401  (registers)
from tools.faults.base import RULES, Rule, RuleContext, landmark_confidence

__all__ = ["RULES", "Rule", "RuleContext", "landmark_confidence", "check_catalog_rules"]


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


check_catalog_rules()
