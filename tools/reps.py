"""Repetition counting on a 1-D joint signal with a hysteresis state machine.

Two thresholds instead of one make the counter immune to jitter: a rep is only counted when the
signal leaves the rest zone (beyond `high`), reaches the working zone (beyond `low`) and comes
back to the rest zone. Noise smaller than high - low can never produce an extra rep.

The thresholds are the exercise's, relaxed toward the person's own range when that range sits
inside them: elbows that never quite lock out at the top of a push-up (MediaPipe reads many
locked arms at 135-145°), knees that stay soft between squats, or shallow reps that a coach
would still count (and flag). See adapt_thresholds.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Literal

import numpy as np

Direction = Literal["down", "up"]

# A relaxed threshold sits this share of the person's range inside their own top / bottom.
RANGE_MARGIN = 0.25
# Percentiles that stand for the person's top and bottom (robust to a stray sample).
TOP_PCT, BOTTOM_PCT = 95.0, 5.0


@dataclass
class Rep:
    """One completed repetition.

    Frame fields are indices into the signal (frame indices when the signal is per frame).

    Attributes:
        index: 1-based rep number.
        start_frame: Where the movement out of the rest zone begins (the turning point before
            the signal leaves the rest zone).
        end_frame: Where the movement back into the rest zone stops.
        bottom_frame: Sample of the extreme value (minimum for "down", maximum for "up").
        start_time_s: Time of start_frame.
        end_time_s: Time of end_frame.
        bottom_value: Signal value at bottom_frame.
        duration_s: end_time_s - start_time_s.
    """

    index: int
    start_frame: int
    end_frame: int
    bottom_frame: int
    start_time_s: float
    end_time_s: float
    bottom_value: float
    duration_s: float

    def to_dict(self) -> dict:
        """Returns the rep as a plain dict (snake_case keys)."""
        return asdict(self)


def count_reps(
    signal: np.ndarray,
    times_s: np.ndarray,
    *,
    low: float,
    high: float,
    direction: Direction = "down",
    min_duration_s: float = 0.4,
    max_gap_s: float = 1.0,
) -> list[Rep]:
    """Counts complete repetitions in a signal.

    For direction "down" (e.g. knee angle in a squat) the rest zone is signal > high and the
    working zone is signal < low. For "up" (e.g. a height that rises during a pull-up) the rest
    zone is signal < low and the working zone is signal > high.

    Rules:
        * A rep needs rest -> working zone -> rest. Clips that start or end inside a rep
          (partial reps) do not produce one, because the counter only arms after seeing the rest
          zone and only emits on the return to it.
        * NaN samples are skipped; a NaN run longer than max_gap_s disarms the counter (the rep
          in progress, if any, is dropped) because we cannot know what happened in between.
        * Reps shorter than min_duration_s are discarded as tracking glitches.

    Args:
        signal: Signal (n,), preferably smoothed.
        times_s: Sample times (n,) in seconds, increasing.
        low: Lower threshold (relaxed toward the signal's own range, see adapt_thresholds).
        high: Upper threshold (must be > low; relaxed likewise).
        direction: "down" or "up", see above.
        min_duration_s: Minimum rep duration.
        max_gap_s: Longest NaN gap bridged without disarming.

    Returns:
        The completed reps in time order.
    """
    if high <= low:
        raise ValueError("high must be greater than low")
    if direction not in ("down", "up"):
        raise ValueError("direction must be 'down' or 'up'")
    x = np.asarray(signal, dtype=np.float64)
    t = np.asarray(times_s, dtype=np.float64)
    if x.shape != t.shape:
        raise ValueError("signal and times_s must have the same shape")
    # Treat "up" as "down" on the negated signal so there is only one state machine.
    sign = 1.0 if direction == "down" else -1.0
    s = sign * x
    rest, work = (high, low) if direction == "down" else (-low, -high)
    rest, work = adapt_thresholds(s, rest, work)

    reps: list[Rep] = []
    state = "unarmed"  # unarmed -> rest -> working -> rest ...
    last_rest = -1
    extreme = -1
    last_valid_t = None
    for i, v in enumerate(s):
        if np.isnan(v):
            continue
        if last_valid_t is not None and t[i] - last_valid_t > max_gap_s:
            state = "unarmed"
        last_valid_t = t[i]
        if state == "unarmed":
            if v > rest:
                state, last_rest = "rest", i
        elif state == "rest":
            if v > rest:
                last_rest = i
            elif v < work:
                state, extreme = "working", i
        else:  # working
            if v < s[extreme]:
                extreme = i
            if v > rest:
                duration = float(t[i] - t[last_rest])
                if duration >= min_duration_s:
                    reps.append(
                        Rep(
                            index=len(reps) + 1,
                            start_frame=last_rest,
                            end_frame=i,
                            bottom_frame=extreme,
                            start_time_s=float(t[last_rest]),
                            end_time_s=float(t[i]),
                            bottom_value=float(x[extreme]),
                            duration_s=duration,
                        )
                    )
                state, last_rest = "rest", i
    _extend_to_turning_points(reps, s, t, eps=0.02 * (high - low))
    return reps


def out_of_posture_share(lean: np.ndarray, rep: Rep, band: tuple[float, float]) -> float:
    """Share of a rep's frames (with a measured torso lean) whose lean lies outside the band.

    Frames without a measured lean are left out; a rep with none counts as in posture (0.0).
    """
    seg = np.asarray(lean[rep.start_frame : rep.end_frame + 1], dtype=np.float64)
    seg = seg[~np.isnan(seg)]
    if seg.size == 0:
        return 0.0
    return float(np.mean((seg < band[0]) | (seg > band[1])))


def drop_out_of_posture(
    reps: list[Rep], lean: np.ndarray, band: tuple[float, float], max_out: float = 0.5
) -> tuple[list[Rep], list[Rep]]:
    """Splits reps into (kept, dropped): a rep whose frames are mostly (more than max_out)
    outside the exercise's torso-lean band was made in another posture (kneeling up after a
    set of push-ups, standing up from a plank) and is not a rep of the exercise. The kept reps
    are renumbered from 1.
    """
    kept, dropped = [], []
    for rep in reps:
        (dropped if out_of_posture_share(lean, rep, band) > max_out else kept).append(rep)
    for i, rep in enumerate(kept, 1):
        rep.index = i
    return kept, dropped


def adapt_thresholds(s: np.ndarray, rest: float, work: float) -> tuple[float, float]:
    """Rest and work thresholds (rest above work) relaxed toward the signal's own range.

    The person's window is their range shrunk by RANGE_MARGIN at each end. A threshold that lies
    outside the window (a rest level they never reach, a depth they never reach) moves to the
    window's edge; if that leaves the two closer than half the exercise's band (rest - work),
    both take the window's edges. Thresholds only ever move toward each other, and only while
    they stay at least half the band apart, so noise smaller than that still cannot make a rep,
    and a person standing still, whose whole range is noise, keeps the fixed thresholds.

    Args:
        s: Signal oriented so the rest zone is high (already negated for "up").
        rest: The exercise's rest threshold.
        work: The exercise's work threshold (below rest).

    Returns:
        (rest, work) to count with.
    """
    valid = s[~np.isnan(s)]
    if valid.size < 2:
        return rest, work
    top, bottom = (float(v) for v in np.percentile(valid, [TOP_PCT, BOTTOM_PCT]))
    margin = RANGE_MARGIN * (top - bottom)
    high_edge, low_edge = top - margin, bottom + margin
    min_gap = (rest - work) / 2
    new_rest, new_work = min(rest, high_edge), max(work, low_edge)
    if new_rest - new_work >= min_gap:
        return new_rest, new_work
    if high_edge - low_edge >= min_gap:
        return high_edge, low_edge
    return rest, work


def _extend_to_turning_points(reps: list[Rep], s: np.ndarray, t: np.ndarray, eps: float) -> None:
    """Moves each rep's start back and end forward to where the movement really starts/stops.

    The threshold crossings lie a little inside the movement; walking outwards while the signal
    keeps changing by more than eps per sample (in the rest direction) reaches the turning
    points without running into a slowly drifting rest phase or a neighbouring rep.
    """
    for k, rep in enumerate(reps):
        floor = reps[k - 1].end_frame if k > 0 else 0
        j = rep.start_frame
        while j - 1 > floor and not np.isnan(s[j - 1]) and s[j - 1] - s[j] > eps:
            j -= 1
        ceiling = reps[k + 1].start_frame if k + 1 < len(reps) else len(s) - 1
        e = rep.end_frame
        while e + 1 < ceiling and not np.isnan(s[e + 1]) and s[e + 1] - s[e] > eps:
            e += 1
        rep.start_frame, rep.end_frame = j, e
        rep.start_time_s, rep.end_time_s = float(t[j]), float(t[e])
        rep.duration_s = rep.end_time_s - rep.start_time_s
