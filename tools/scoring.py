"""The deterministic 0-10 form score."""

from __future__ import annotations

# Penalty for an issue that affects every rep; scaled down by the share of reps affected.
SEVERITY_PENALTY = {"minor": 1.5, "moderate": 3.0, "severe": 5.0}


def form_score(issues: list[dict], rep_count: int) -> float:
    """Computes the form score from the issues found by the rules and generic checks.

    Only call it when at least one check was judged: a set with nothing judged has no score
    (None, with the reason in findings["scoreNote"]; see tools.analysis), never 10 or 0.

    Formula::

        score = clamp(10 - sum(SEVERITY_PENALTY[severity] * share), 0, 10)

    summed over issues, where share = len(issue["reps"]) / rep_count for issues tied to reps,
    issue["share"] for issues that cover part of a hold (the share of the hold time), and
    share = 1 for other issues (or when rep_count is 0). See docs/scoring.md. So a clean set scores
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
        if reps and rep_count > 0:
            share = len(reps) / rep_count
        elif isinstance(issue.get("share"), int | float):
            share = float(issue["share"])
        else:
            share = 1.0
        penalty += SEVERITY_PENALTY.get(issue.get("severity", "minor"), 1.5) * min(share, 1.0)
    return round(min(10.0, max(0.0, 10.0 - penalty)), 1)
