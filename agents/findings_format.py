"""How vision findings travel inside a model request, shared by the prompt and offline coach.

The coaching instruction embeds the findings as JSON between two explicit marker lines so that
any model (Gemini or the offline coach) receives exactly the same, parseable data.
"""

from __future__ import annotations

import json
from typing import Any

FINDINGS_BEGIN = "<<<BIOME_VISION_FINDINGS_JSON"
FINDINGS_END = "BIOME_VISION_FINDINGS_JSON>>>"

# Most severe first. Unknown severities sort after the known ones.
SEVERITY_RANK = {
    "critical": 0,
    "severe": 0,
    "high": 1,
    "major": 1,
    "moderate": 2,
    "medium": 2,
    "minor": 3,
    "low": 3,
}

# Keys the coach needs; bulky or irrelevant ones (per-frame data) are left out of the prompt.
_PROMPT_KEYS = (
    "exercise",
    "video",
    "camera",
    "bodyInFrame",
    "totalFrames",
    "framesWithPose",
    "poseCoverage",
    "repCount",
    "reps",
    "hold",
    "metrics",
    "issues",
    "score",
    "scoreNote",
    "checks",
)


def severity_rank(severity: Any) -> int:
    """Returns a sort key for an issue severity (lower is more severe)."""
    return SEVERITY_RANK.get(str(severity or "").strip().lower(), 4)


def findings_for_prompt(findings: dict) -> dict:
    """Returns the subset of the findings that the coach is shown."""
    return {k: findings[k] for k in _PROMPT_KEYS if k in findings}


def embed_findings(findings: dict) -> str:
    """Serialises findings between the marker lines."""
    body = json.dumps(findings_for_prompt(findings), indent=1, sort_keys=False)
    return f"{FINDINGS_BEGIN}\n{body}\n{FINDINGS_END}"


def extract_findings(text: str | None) -> dict | None:
    """Finds and parses the findings embedded by embed_findings, or returns None."""
    if not text:
        return None
    start = text.find(FINDINGS_BEGIN)
    if start < 0:
        return None
    start += len(FINDINGS_BEGIN)
    end = text.find(FINDINGS_END, start)
    if end < 0:
        return None
    try:
        data = json.loads(text[start:end])
    except json.JSONDecodeError:
        return None
    return data if isinstance(data, dict) else None
