"""Exercises taught by example: a rep template learned from one reference pose track.

``learn`` finds what defines a rep in the reference: the joints whose angles move most (world
landmarks, so the camera's angle matters less), the dominant one's direction and range, and each
defining joint's angle curve per rep, normalised in time and averaged over the reference's reps.
``match`` counts reps of a new track with the hysteresis counter of ``tools.reps`` on the
dominant angle, thresholds learned from the reference, then confirms each candidate by dynamic
time warping its defining angles against the template, and compares every counted rep with the
reference: range reached, tempo, and where a joint departs from the reference by more than a
tolerance (issues with frames, a cue quoting the difference, and a score).

Pure: numpy only, no web, no database.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

import numpy as np

from tools.kinematics import bilateral_angle
from tools.pose import PoseTrack
from tools.reps import Rep, count_reps
from tools.signals import condition

# Joints whose angles may define a movement (tools.vocabulary.JOINTS).
CANDIDATE_JOINTS = ("knee", "hip", "elbow", "shoulder", "ankle")
# A joint defines the movement when its range is at least this share of the largest one ...
DEFINING_SHARE = 0.4
# ... and at least this many degrees (below it, it is posture noise).
MIN_RANGE_DEG = 20.0
MAX_DEFINING = 3
# Samples per rep once normalised in time.
SAMPLES = 40
# The counter's thresholds sit this share of the reference's range inside its top and bottom.
THRESHOLD_SHARE = 0.3
# A candidate whose mean DTW departure from the template exceeds this is not the movement.
MATCH_TOLERANCE_DEG = 30.0
# A joint departing from the reference by more than this (after alignment) is an issue.
DEPART_TOLERANCE_DEG = 15.0
# Range reached below this share of the reference's range is a partial rep.
PARTIAL_SHARE = 0.75
# Tempo outside this ratio of the reference's rep duration is reported.
TEMPO_RATIO = (0.6, 1.6)


@dataclass
class Template:
    """What one reference video teaches about a rep (JSON-able via ``to_dict``)."""

    joints: list[str]
    dominant: str
    direction: str  # "down": the dominant angle closes during the rep; "up": it opens
    top: float  # the dominant angle's rest (for "down") / far end, degrees
    bottom: float
    curves: dict[str, list[float]]  # per defining joint, SAMPLES points over one rep
    ranges: dict[str, float]  # per defining joint, mean range per rep, degrees
    rep_s: float  # median rep duration
    still: dict[str, float]  # other joints: their mean range per rep in the reference, degrees
    reps: int  # reps seen in the reference
    fps: float = 0.0

    def to_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict) -> Template:
        return cls(**data)


@dataclass
class RepComparison:
    index: int
    start_frame: int
    end_frame: int
    distance_deg: float  # mean absolute departure along the DTW path
    range_share: float  # range of the dominant joint reached / the reference's
    tempo_ratio: float  # duration / the reference's
    extra_motion_deg: float  # most a joint still in the reference moved beyond its range there
    departures: dict[str, dict] = field(default_factory=dict)  # joint → worst departure


class TemplateError(ValueError):
    """The reference does not show a learnable rep."""


def joint_series(track: PoseTrack) -> dict[str, np.ndarray]:
    """Conditioned angle series of every candidate joint (NaN where not measured)."""
    out = {}
    for joint in CANDIDATE_JOINTS:
        raw, _ = bilateral_angle(track, joint)
        out[joint] = condition(raw, track.fps)
    return out


def _span(x: np.ndarray) -> tuple[float, float]:
    valid = x[~np.isnan(x)]
    if valid.size < 2:
        return float("nan"), float("nan")
    lo, hi = np.percentile(valid, [5, 95])
    return float(lo), float(hi)


def _resample(x: np.ndarray, n: int = SAMPLES) -> np.ndarray:
    idx = np.arange(x.size)
    ok = ~np.isnan(x)
    if ok.sum() < 2:
        return np.full(n, np.nan)
    filled = np.interp(idx, idx[ok], x[ok])
    return np.interp(np.linspace(0, x.size - 1, n), idx, filled)


def _count(x: np.ndarray, times: np.ndarray, top: float, bottom: float, direction: str):
    band = top - bottom
    low, high = bottom + THRESHOLD_SHARE * band, top - THRESHOLD_SHARE * band
    return count_reps(x, times, low=low, high=high, direction=direction)


def learn(track: PoseTrack) -> Template:
    """The rep template of a reference track of a few good reps.

    Raises:
        TemplateError: when no joint moves enough, or no complete rep is found.
    """
    series = joint_series(track)
    spans = {j: _span(x) for j, x in series.items()}
    ranges = {j: hi - lo for j, (lo, hi) in spans.items() if not np.isnan(hi - lo)}
    if not ranges or max(ranges.values()) < MIN_RANGE_DEG:
        raise TemplateError("no joint moves enough in the reference to define a rep")
    biggest = max(ranges.values())
    joints = sorted(
        (j for j, r in ranges.items() if r >= max(MIN_RANGE_DEG, DEFINING_SHARE * biggest)),
        key=lambda j: -ranges[j],
    )[:MAX_DEFINING]
    dominant = joints[0]
    x = series[dominant]
    bottom, top = spans[dominant]
    # The rest is where the reference starts: most videos open before the first rep. (Taking
    # the end that frames more reps instead counted pullup_rear_01's 8 reps as 9.)
    valid = x[~np.isnan(x)]
    start = float(np.median(valid[: max(3, valid.size // 10)]))
    direction = "down" if start >= (top + bottom) / 2 else "up"
    reps = _count(x, track.times_s, top, bottom, direction)
    if not reps:
        raise TemplateError("no complete rep was found in the reference")
    curves, rep_ranges, still = {}, {}, {}
    for j in series:
        per_rep = [_resample(series[j][r.start_frame : r.end_frame + 1]) for r in reps]
        moved = [float(np.nanmax(c) - np.nanmin(c)) for c in per_rep if not np.isnan(c).all()]
        if j in joints:
            curves[j] = [round(float(v), 2) for v in np.nanmean(per_rep, axis=0)]
            rep_ranges[j] = round(float(np.mean(moved)), 2)
        elif moved:
            still[j] = round(float(np.mean(moved)), 2)
    return Template(
        joints=joints,
        dominant=dominant,
        direction=direction,
        top=round(top, 2),
        bottom=round(bottom, 2),
        curves=curves,
        ranges=rep_ranges,
        rep_s=round(float(np.median([r.duration_s for r in reps])), 3),
        still=still,
        reps=len(reps),
        fps=float(track.fps),
    )


def dtw(a: np.ndarray, b: np.ndarray) -> tuple[float, list[tuple[int, int]]]:
    """Mean absolute difference along the optimal warping path of ``a`` (n, k) and ``b`` (m, k)."""
    n, m = len(a), len(b)
    cost = np.abs(a[:, None, :] - b[None, :, :]).mean(axis=2)
    acc = np.full((n + 1, m + 1), np.inf)
    acc[0, 0] = 0.0
    for i in range(1, n + 1):
        for j in range(1, m + 1):
            acc[i, j] = cost[i - 1, j - 1] + min(acc[i - 1, j], acc[i, j - 1], acc[i - 1, j - 1])
    path, i, j = [], n, m
    while i > 0 and j > 0:
        path.append((i - 1, j - 1))
        step = int(np.argmin([acc[i - 1, j - 1], acc[i - 1, j], acc[i, j - 1]]))
        i, j = (i - 1, j - 1) if step == 0 else (i - 1, j) if step == 1 else (i, j - 1)
    path.reverse()
    return float(np.mean([cost[p] for p in path])), path


def _compare(template: Template, series: dict, rep: Rep, fps: float) -> RepComparison:
    ref = np.stack([template.curves[j] for j in template.joints], axis=1)
    seg = np.stack(
        [_resample(series[j][rep.start_frame : rep.end_frame + 1]) for j in template.joints],
        axis=1,
    )
    distance, path = dtw(seg, ref)
    span = rep.end_frame - rep.start_frame
    departures = {}
    for k, joint in enumerate(template.joints):
        diffs = [(seg[i, k] - ref[j, k], i) for i, j in path]
        worst, at = max(diffs, key=lambda d: abs(d[0]))
        if abs(worst) > DEPART_TOLERANCE_DEG:
            departures[joint] = {
                "deg": round(float(worst), 1),
                "frame": rep.start_frame + round(at * span / (SAMPLES - 1)),
                "phase": round(at / (SAMPLES - 1), 2),
            }
    # A rep that matches the defining joints while others swing far more than in the reference
    # is another movement (a squat's arms can trace a curl's elbow curve).
    extra = 0.0
    for joint, ref_range in template.still.items():
        moved = _resample(series[joint][rep.start_frame : rep.end_frame + 1])
        if not np.isnan(moved).all():
            extra = max(extra, float(np.nanmax(moved) - np.nanmin(moved)) - ref_range)
    dom = template.joints.index(template.dominant)
    reached = float(np.nanmax(seg[:, dom]) - np.nanmin(seg[:, dom]))
    return RepComparison(
        index=rep.index,
        start_frame=rep.start_frame,
        end_frame=rep.end_frame,
        distance_deg=round(distance, 1),
        range_share=round(reached / template.ranges[template.dominant], 2),
        tempo_ratio=round(rep.duration_s / template.rep_s, 2),
        extra_motion_deg=round(extra, 1),
        departures=departures,
    )


def _phase(p: float) -> str:
    return "start" if p < 0.2 else "end" if p > 0.8 else "middle"


def _issues(template: Template, reps: list[RepComparison]) -> list[dict]:
    issues = []
    for r in reps:
        frames = {"frameStart": r.start_frame, "frameEnd": r.end_frame, "reps": [r.index]}
        if r.range_share < PARTIAL_SHARE:
            issues.append(
                {
                    "type": "Partial range",
                    "severity": "moderate" if r.range_share < 0.5 else "minor",
                    **frames,
                    "coachingCue": f"Rep {r.index} moved your {template.dominant} through "
                    f"{r.range_share:.0%} of your reference's range; go the full way.",
                }
            )
        lo, hi = TEMPO_RATIO
        if not lo <= r.tempo_ratio <= hi:
            quicker = r.tempo_ratio < lo
            issues.append(
                {
                    "type": "Rushed rep" if quicker else "Slow rep",
                    "severity": "minor",
                    **frames,
                    "coachingCue": f"Rep {r.index} took {r.tempo_ratio:.1f}× your reference's "
                    f"{template.rep_s:.1f} s; {'slow down' if quicker else 'keep the pace'}.",
                }
            )
        for joint, d in r.departures.items():
            more = "more open" if d["deg"] > 0 else "more bent"
            issues.append(
                {
                    "type": f"{joint.capitalize()} off the reference",
                    "severity": "moderate" if abs(d["deg"]) > 2 * DEPART_TOLERANCE_DEG else "minor",
                    "frameStart": d["frame"],
                    "frameEnd": d["frame"],
                    "reps": [r.index],
                    "coachingCue": f"Rep {r.index}: your {joint} was {abs(d['deg']):.0f}° "
                    f"{more} than in your reference near the {_phase(d['phase'])} of the rep.",
                }
            )
    return issues


def match(template: Template, track: PoseTrack) -> dict:
    """Counts the template's reps in ``track`` and compares each with the reference.

    Returns:
        A dict: ``repCount``, ``reps`` (per-rep comparison), ``rejected`` (candidates that did not
        match the movement, with their distance), ``issues`` (type, severity, frames, reps,
        coachingCue) and ``score`` (0–10; None when no rep was counted).
    """
    series = joint_series(track)
    candidates = _count(
        series[template.dominant], track.times_s, template.top, template.bottom, template.direction
    )
    kept, rejected = [], []
    for rep in candidates:
        comparison = _compare(template, series, rep, track.fps)
        worst = max(comparison.distance_deg, comparison.extra_motion_deg)
        # NaN: a defining joint went unmeasured through the rep, so it cannot be confirmed.
        if not worst <= MATCH_TOLERANCE_DEG:
            rejected.append(asdict(comparison))
        else:
            comparison.index = len(kept) + 1
            kept.append(comparison)
    issues = _issues(template, kept)
    score = None
    if kept:
        # Each rep: 10 at the reference, losing a point per 3° of mean departure, and its range
        # shortfall; the set's score is the mean.
        per_rep = [
            max(0.0, 10 - r.distance_deg / 3 - 10 * max(0.0, 1 - r.range_share)) for r in kept
        ]
        score = round(float(np.mean(per_rep)), 1)
    return {
        "repCount": len(kept),
        "reps": [asdict(r) for r in kept],
        "rejected": rejected,
        "issues": issues,
        "score": score,
    }
