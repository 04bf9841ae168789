"""The deterministic 0-10 form score."""

from __future__ import annotations

# Penalty for an issue that affects every rep; scaled down by the share of reps affected.
SEVERITY_PENALTY = {"minor": 1.5, "moderate": 3.0, "severe": 5.0}


def form_score(issues: list[dict], rep_count: int) -> float:
    """Computes the form score from the issues found.

    Formula::

        score = clamp(10 - sum(SEVERITY_PENALTY[severity] * share), 0, 10)

    summed over issues, where share = len(issue["reps"]) / rep_count for issues tied to reps,
    and share = 1 for issues not tied to reps (or when rep_count is 0). So a clean set scores
    10; a minor fault in every rep costs 1.5, a moderate one 3, a severe one 5; one moderately
    shallow rep out of six costs 0.5. The result is rounded to 1 decimal.

    Args:
        issues: Issue dicts with "severity" and optionally "reps".
        rep_count: Number of reps counted.

    Returns:
        The score in [0, 10].
    """
    penalty = 0.0
    for issue in issues:
        reps = issue.get("reps") or []
        share = len(reps) / rep_count if reps and rep_count > 0 else 1.0
        penalty += SEVERITY_PENALTY.get(issue.get("severity", "minor"), 1.5) * min(share, 1.0)
    return round(min(10.0, max(0.0, 10.0 - penalty)), 1)
