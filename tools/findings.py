"""Small helpers for building the JSON "findings" dict: rounding, metric entries, statuses."""

from __future__ import annotations

import math
from typing import Literal

Status = Literal["good", "warning", "error"]
Comparison = Literal["max", "min"]

# Beyond the tolerance, this many more degrees is still only a warning.
WARNING_BAND = 15.0


def r1(value: float | None) -> float | None:
    """Rounds to 1 decimal as a plain float; NaN/None become None (JSON null)."""
    if value is None:
        return None
    value = float(value)
    return None if math.isnan(value) else round(value, 1)


def r2(value: float | None) -> float | None:
    """Rounds to 2 decimals as a plain float; NaN/None become None."""
    if value is None:
        return None
    value = float(value)
    return None if math.isnan(value) else round(value, 2)


def status_for(value: float, target: float, comparison: Comparison, tolerance: float) -> Status:
    """Grades a measurement against a target.

    Args:
        value: The measurement.
        target: The target value.
        comparison: "max" if the value should be at most the target, "min" if at least.
        tolerance: Measurement slack: within it the value is still "good".

    Returns:
        "good" within tolerance, "warning" within a further WARNING_BAND, else "error".
    """
    excess = value - target if comparison == "max" else target - value
    if excess <= tolerance:
        return "good"
    if excess <= tolerance + WARNING_BAND:
        return "warning"
    return "error"


def target_text(target: float, comparison: Comparison, unit: str) -> str:
    """Formats a target such as "≤ 90°" or "≥ 165°"."""
    return f"{'≤' if comparison == 'max' else '≥'} {target:g}{unit}"


def metric(
    name: str,
    value: float | None,
    unit: str,
    *,
    target: str = "—",
    status: Status = "good",
    fmt: str = "{:.0f}",
) -> dict:
    """Builds one metric entry of the findings.

    Args:
        name: Display name, e.g. "Knee Angle (bottom)".
        value: Numeric value (None if not measurable).
        unit: Unit appended to the text, e.g. "°" or " s".
        target: Target text, e.g. "≤ 90°".
        status: "good", "warning" or "error".
        fmt: Format of the displayed number.

    Returns:
        {"name", "actual", "target", "status", "value", "unit"}.
    """
    actual = "n/a" if value is None else f"{fmt.format(value)}{unit}"
    return {
        "name": name,
        "actual": actual,
        "target": target,
        "status": status,
        "value": r1(value),
        "unit": unit.strip(),
    }
