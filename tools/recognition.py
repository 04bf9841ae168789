"""Which exercise is this? Recognition from a pose track by hand-set prototypes (nothing trained).

A track is summarised by a handful of features a coach would look at (`features`):

- orientation: the torso's angle to vertical (median, range, share of frames upright or
  horizontal), the wrists above the head (hanging, overhead), the wrists below the shoulders
  in the picture (face-down push vs face-up press);
- which joints move and how: each joint angle's 5th/50th/95th percentile and range (knee,
  hip, elbow, shoulder, ankle, the legs' spread, the more and the less bent knee);
- what is anchored: how far the shoulders and the wrists travel up and down in the picture,
  in torso lengths (hands fixed on a bar or the floor while the body moves = pull-up, dip,
  push-up; body still while the hands move = curl, press, raise);
- the periodic signal: whether the candidate exercise's own rep counter, on its own primary
  signal and thresholds (tools.reps), finds repetitions in the track (or, for a hold, whether
  the position is held).

Each prototype (`PROTOTYPES`) is a list of soft conditions on those features, written by hand
from what defines the movement (docs/recognition.md): a condition scores 1 inside its range
and falls linearly to 0 over a margin outside it; a feature that could not be measured scores
0.5. A prototype's score is the weighted mean of its conditions. The best score wins; the
confidence is the softmax share of the best score (temperature TEMPERATURE), and the result is
"unsure" when the best score or its lead over the runner-up is small.

A prototype stands for the catalog entries whose posture and moving joints it describes
(`members`). A named exercise outside every prototype cannot be checked, and is not.

The same posture idea guards each counted rep (`posture_band`, tools.reps.drop_out_of_posture):
a push-up is done with the torso near horizontal, a squat standing up; a "rep" made in another
posture (kneeling up after a set of push-ups) is not a rep of that exercise.
"""

from __future__ import annotations

import math
import warnings
from dataclasses import dataclass, field

import numpy as np

from tools.exercises import Exercise, resolve_exercise
from tools.geometry import nanmean
from tools.kinematics import DEFAULT_MIN_VISIBILITY
from tools.landmarks import LANDMARK
from tools.pose import PoseTrack
from tools.signals import compute_signal

# Torso lean (degrees from vertical) at or above which a frame is horizontal, at or below
# which it is upright.
HORIZONTAL_MIN_DEG = 50.0
UPRIGHT_MAX_DEG = 40.0
# Softmax temperature over prototype scores (scores are 0..1).
TEMPERATURE = 0.05
# Below this best score, or this lead over the runner-up, the recognition says it is unsure.
SURE_SCORE = 0.75
SURE_LEAD = 0.08
# A named exercise "does not fit" when its prototype scores below FIT_MIN while the best one
# scores at least FIT_LEAD more and is itself at least SURE_SCORE.
FIT_MIN = 0.7
FIT_LEAD = 0.15

# Posture guard per rep: the torso lean band each family's reps are done in. A rep whose
# frames are mostly (more than OUT_OF_POSTURE_MAX) outside the band is not a rep of it.
POSTURE_BANDS: dict[str, tuple[float, float]] = {
    # Face down, body near horizontal; incline push-ups still lean well past 40°.
    "push": (40.0, 180.0),
    # Standing (or hanging, or sitting upright).
    **{
        family: (0.0, 60.0)
        for family in (
            "squat",
            "lunge",
            "lateral_lunge",
            "overhead_press",
            "curl",
            "jack",
            "pull_vertical",
            "dip",
            "arm_raise",
            "calf_raise",
        )
    },
}
# Entries of those families done in another posture (lying, reclined or side-lying).
POSTURE_EXCEPTIONS = frozenset({"leg_press", "hack_squat", "side_lying_leg_raise"})
OUT_OF_POSTURE_MAX = 0.5


# ---------------------------------------------------------------------------- features


def _pct(x: np.ndarray, q: float) -> float:
    x = x[~np.isnan(x)]
    return float(np.percentile(x, q)) if x.size else math.nan


def _share(mask: np.ndarray, valid: np.ndarray) -> float:
    return float(mask[valid].mean()) if valid.any() else math.nan


def _image_y(track: PoseTrack, part: str) -> np.ndarray:
    """(n,) pixel height of a part: the mean of the sides that are visible enough."""
    ys = []
    for side in ("left", "right"):
        lm = track.landmarks[:, LANDMARK[f"{side}_{part}"]]
        ys.append(np.where(lm[:, 3] >= DEFAULT_MIN_VISIBILITY, lm[:, 1] * track.height, np.nan))
    return nanmean(np.stack(ys))


def _image_xy(track: PoseTrack, part: str) -> np.ndarray:
    pts = []
    for side in ("left", "right"):
        lm = track.landmarks[:, LANDMARK[f"{side}_{part}"]]
        xy = lm[:, :2].astype(np.float64) * [track.width, track.height]
        pts.append(np.where((lm[:, 3] >= DEFAULT_MIN_VISIBILITY)[:, None], xy, np.nan))
    return nanmean(np.stack(pts))


def features(track: PoseTrack) -> dict[str, float]:
    """The recognition features of a pose track (NaN where not measurable).

    The track should already follow the main subject (tools.subject.follow_main_subject).
    """
    f: dict[str, float] = {}
    lean = compute_signal(track, "torso_lean").smooth
    valid = ~np.isnan(lean)
    f["lean_p5"], f["lean_p50"], f["lean_p95"] = (_pct(lean, q) for q in (5, 50, 95))
    f["lean_range"] = f["lean_p95"] - f["lean_p5"]
    f["horizontal_share"] = _share(lean >= HORIZONTAL_MIN_DEG, valid)
    f["upright_share"] = _share(lean <= UPRIGHT_MAX_DEG, valid)
    for name, key in (
        ("knee_angle", "knee"),
        ("hip_angle", "hip"),
        ("elbow_angle", "elbow"),
        ("shoulder_angle", "shoulder"),
        ("ankle_angle", "ankle"),
        ("leg_spread", "spread"),
        ("front_knee_angle", "front_knee"),
        ("back_knee_angle", "back_knee"),
        ("min_hip_angle", "min_hip"),
        ("pull_height", "pull"),
    ):
        x = compute_signal(track, name).smooth
        lo, mid, hi = (_pct(x, q) for q in (5, 50, 95))
        f[f"{key}_p5"], f[f"{key}_p50"], f[f"{key}_p95"], f[f"{key}_range"] = lo, mid, hi, hi - lo
    # World y points down: wrists above the nose means hands overhead (hanging, pressing).
    w = track.world
    wrist_y = nanmean(np.stack([w[:, LANDMARK[f"{s}_wrist"], 1] for s in ("left", "right")]))
    nose_y = w[:, LANDMARK["nose"], 1].astype(np.float64)
    ok = ~np.isnan(wrist_y) & ~np.isnan(nose_y) & track.detected
    f["wrists_overhead"] = _share(wrist_y < nose_y, ok)
    # In the picture: wrists below the shoulders (face-down push) or above (face-up press).
    sh_y, wr_y, hip_y = (_image_y(track, p) for p in ("shoulder", "wrist", "hip"))
    ok = ~np.isnan(sh_y) & ~np.isnan(wr_y)
    f["wrists_below_shoulders"] = _share(wr_y > sh_y, ok)
    torso = np.linalg.norm(_image_xy(track, "shoulder") - _image_xy(track, "hip"), axis=1)
    scale = _pct(torso, 50)
    for key, y in (("shoulder", sh_y), ("wrist", wr_y), ("hip", hip_y)):
        travel = _pct(y, 95) - _pct(y, 5)
        f[f"{key}_travel"] = travel / scale if scale and scale > 0 else math.nan
    f["hands_move_more"] = f["wrist_travel"] - f["shoulder_travel"]
    return f


# ---------------------------------------------------------------------------- prototypes


@dataclass(frozen=True)
class Cond:
    """One soft condition: feature within [lo, hi], fading to 0 over `margin` outside."""

    feature: str
    lo: float
    hi: float
    margin: float
    weight: float = 1.0
    # A posture condition: the prototype's whole score is scaled by it (see score_prototype).
    gate: bool = False

    def score(self, value: float) -> float:
        if value is None or math.isnan(value):
            return 0.5
        if self.lo <= value <= self.hi:
            return 1.0
        gap = self.lo - value if value < self.lo else value - self.hi
        return max(0.0, 1.0 - gap / self.margin)


def deg(
    feature: str, lo: float, hi: float, weight: float = 1.0, margin: float = 15.0, gate=False
) -> Cond:
    """A condition on an angle feature (margin in degrees)."""
    return Cond(feature, lo, hi, margin, weight, gate)


def share(
    feature: str, lo: float, hi: float, weight: float = 1.0, margin: float = 0.2, gate=False
) -> Cond:
    """A condition on a share or a travel in torso lengths."""
    return Cond(feature, lo, hi, margin, weight, gate)


@dataclass(frozen=True)
class Prototype:
    """What a recognisable movement looks like, and the catalog entries it stands for.

    Attributes:
        id: The catalog entry it is named after (and analysed as when recognised).
        conditions: The soft conditions scored on the track's features.
        members: Catalog ids this prototype stands for (the first is `id`).
        own_signal_weight: Weight of "its own counter finds reps / the hold is held".
    """

    id: str
    conditions: tuple[Cond, ...]
    members: tuple[str, ...] = field(default=())
    own_signal_weight: float = 1.0

    @property
    def exercise(self) -> Exercise:
        exercise = resolve_exercise(self.id)
        assert exercise is not None, self.id
        return exercise


UPRIGHT = share("upright_share", 0.6, 1.0, 2.0, gate=True)
LYING = share("horizontal_share", 0.5, 1.0, 2.0, gate=True)
LEGS_STILL = deg("knee_range", 0, 25)
NOT_OVERHEAD = share("wrists_overhead", 0.0, 0.15)

PROTOTYPES: tuple[Prototype, ...] = (
    Prototype(
        "squat",
        (
            UPRIGHT,
            deg("lean_p95", 0, 55, 2.0),
            deg("knee_range", 40, 140, 2.0),
            deg("knee_p5", 30, 125),
            deg("hip_range", 35, 140, 2.0),
            deg("back_knee_p5", 30, 135),
            deg("spread_p50", 0, 50, 1.5),
            share("shoulder_travel", 0.25, 3.0),
            NOT_OVERHEAD,
        ),
        ("squat", "sumo_squat", "box_squat", "zercher_squat", "jump_squat"),
    ),
    Prototype(
        "lunge",
        (
            UPRIGHT,
            deg("front_knee_p5", 40, 125, 1.5),
            deg("back_knee_p5", 40, 140, 2.0),
            deg("spread_p50", 55, 130, 2.0),
            deg("knee_range", 35, 140),
            deg("elbow_range", 0, 40),
            NOT_OVERHEAD,
        ),
        ("lunge", "bulgarian_split_squat", "curtsy_lunge", "jumping_lunge"),
    ),
    Prototype(
        "lateral_lunge",
        (
            UPRIGHT,
            deg("front_knee_p5", 40, 135, 1.5),
            deg("back_knee_p5", 140, 180, 2.0),
            deg("spread_p50", 55, 130, 2.0),
            deg("elbow_range", 0, 40),
            NOT_OVERHEAD,
        ),
        ("lateral_lunge", "cossack_squat"),
    ),
    Prototype(
        "deadlift",
        (
            deg("lean_p95", 55, 100, 2.0, gate=True),
            deg("lean_range", 30, 100, 1.5),
            deg("hip_range", 50, 150, 1.5),
            deg("knee_p5", 50, 140),
            deg("elbow_p5", 125, 180, 1.5),
            deg("spread_p50", 0, 55),
            share("horizontal_share", 0.0, 0.6),
            NOT_OVERHEAD,
        ),
        ("deadlift", "sumo_deadlift", "trap_bar_deadlift"),
    ),
    Prototype(
        "romanian_deadlift",
        (
            deg("lean_p95", 50, 100, 2.0, gate=True),
            deg("lean_range", 30, 100, 1.5),
            deg("hip_range", 40, 150, 1.5),
            deg("knee_p5", 140, 180, 1.5),
            deg("elbow_p5", 125, 180, 1.5),
            deg("spread_p50", 0, 55),
            share("horizontal_share", 0.0, 0.6),
            NOT_OVERHEAD,
        ),
        ("romanian_deadlift", "good_morning"),
    ),
    Prototype(
        "push_up",
        (
            LYING,
            deg("lean_p50", 55, 135, 1.5),
            deg("elbow_range", 30, 180, 2.0),
            deg("knee_p50", 145, 180),
            deg("hip_p50", 140, 180),
            share("wrists_below_shoulders", 0.6, 1.0, 1.5),
        ),
        (
            "push_up",
            "decline_push_up",
            "diamond_push_up",
            "wide_push_up",
            "archer_push_up",
            "clap_push_up",
        ),
    ),
    Prototype(
        "bench_press",
        (
            LYING,
            deg("lean_p50", 55, 135, 1.5),
            deg("elbow_range", 30, 180, 2.0),
            deg("knee_p50", 50, 140),
            share("wrists_below_shoulders", 0.0, 0.3, 2.0),
            share("hands_move_more", 0.0, 3.0),
        ),
        (
            "bench_press",
            "decline_bench_press",
            "dumbbell_bench_press",
            "close_grip_bench_press",
            "floor_press",
        ),
    ),
    Prototype(
        "plank",
        (
            LYING,
            deg("lean_p50", 55, 135, 1.5),
            deg("elbow_range", 0, 20, 2.0),
            deg("hip_range", 0, 20),
            deg("knee_p50", 140, 180),
            deg("lean_range", 0, 15),
        ),
        ("plank", "high_plank"),
    ),
    Prototype(
        "glute_bridge",
        (
            deg("lean_p50", 45, 135, 2.0, gate=True),
            deg("hip_range", 25, 100, 2.0),
            deg("knee_p50", 50, 130, 1.5),
            deg("elbow_range", 0, 25),
            share("wrists_overhead", 0.0, 0.3),
        ),
        ("glute_bridge", "single_leg_glute_bridge", "hip_thrust"),
    ),
    Prototype(
        "sit_up",
        (
            deg("lean_range", 35, 120, 2.0, gate=True),
            deg("lean_p95", 55, 135, 1.5),
            deg("lean_p5", 0, 60),
            deg("knee_p50", 40, 140, 1.5),
            deg("hip_range", 25, 120, 1.5),
            deg("hip_p5", 20, 115),
            # The feet stay down and the knees keep their bend; the hips stay on the floor.
            deg("knee_range", 0, 30, 1.5),
            share("hip_travel", 0.0, 0.35),
        ),
        ("sit_up",),
    ),
    Prototype(
        "overhead_press",
        (
            UPRIGHT,
            deg("elbow_range", 40, 180, 1.5),
            deg("shoulder_p95", 115, 180, 2.0),
            deg("shoulder_range", 55, 180),
            deg("pull_p5", -60, 45, 1.5),
            share("hands_move_more", 0.2, 3.0, 1.5),
            LEGS_STILL,
            deg("spread_range", 0, 20),
        ),
        ("overhead_press", "push_press", "arnold_press", "z_press"),
    ),
    Prototype(
        "pull_up",
        (
            UPRIGHT,
            share("wrists_overhead", 0.35, 1.0, 2.0, gate=True),
            deg("pull_range", 40, 200, 1.5),
            deg("pull_p5", -60, 40),
            deg("elbow_range", 30, 180),
            share("hands_move_more", -3.0, 0.1, 1.5),
        ),
        ("pull_up", "negative_pull_up"),
    ),
    Prototype(
        "dip",
        (
            UPRIGHT,
            deg("elbow_range", 40, 180, 1.5),
            share("wrists_overhead", 0.0, 0.1),
            deg("pull_p5", 110, 250, 1.5),
            share("hands_move_more", -3.0, -0.1, 2.0),
            share("shoulder_travel", 0.15, 3.0),
            deg("shoulder_p95", 0, 90),
            # The body goes down on straight-ish hips; a squat bends them.
            deg("hip_range", 0, 35, 1.5),
        ),
        ("dip",),
    ),
    Prototype(
        "bicep_curl",
        (
            UPRIGHT,
            deg("elbow_range", 45, 180, 1.5),
            deg("elbow_p5", 20, 100, 1.5),
            deg("shoulder_p95", 0, 75, 1.5),
            share("wrists_overhead", 0.0, 0.05),
            share("hands_move_more", 0.1, 3.0, 1.5),
            deg("pull_p5", 60, 250),
            LEGS_STILL,
        ),
        ("bicep_curl", "hammer_curl", "cable_curl"),
    ),
    Prototype(
        "lateral_raise",
        (
            UPRIGHT,
            deg("shoulder_range", 40, 130, 2.0),
            deg("shoulder_p95", 60, 125, 1.5),
            deg("elbow_p5", 120, 180, 1.5),
            deg("spread_range", 0, 15),
            LEGS_STILL,
            share("hands_move_more", 0.2, 3.0),
        ),
        ("lateral_raise", "front_raise"),
    ),
    Prototype(
        "jumping_jack",
        (
            UPRIGHT,
            deg("shoulder_range", 70, 180, 2.0),
            deg("shoulder_p95", 110, 180, 1.5),
            deg("spread_range", 20, 90, 2.0),
            deg("spread_p95", 45, 120),
            deg("elbow_p5", 110, 180),
            # Jumping, not squatting: the knees stay nearly straight.
            deg("knee_p5", 120, 180, 1.5),
        ),
        ("jumping_jack",),
    ),
    Prototype(
        "wall_sit",
        (
            UPRIGHT,
            deg("knee_p50", 60, 125, 2.0),
            deg("knee_range", 0, 20, 1.5),
            deg("hip_range", 0, 20),
            deg("hip_p50", 60, 130),
        ),
        ("wall_sit",),
    ),
    Prototype(
        "dead_hang",
        (
            UPRIGHT,
            share("wrists_overhead", 0.6, 1.0, 2.0, gate=True),
            deg("pull_range", 0, 25, 1.5),
            deg("elbow_p5", 130, 180),
        ),
        ("dead_hang",),
    ),
    Prototype(
        "bent_over_row",
        (
            deg("lean_p50", 30, 80, 2.0, gate=True),
            # Hinged at the hips while pulling, not lying straight.
            deg("hip_p50", 60, 140, 1.5),
            deg("lean_range", 0, 25, 1.5),
            deg("elbow_range", 40, 180, 1.5),
            deg("hip_range", 0, 25),
            LEGS_STILL,
            share("hands_move_more", 0.1, 3.0),
        ),
        ("bent_over_row", "pendlay_row", "t_bar_row", "dumbbell_row"),
    ),
)

_BY_MEMBER = {m: p for p in PROTOTYPES for m in (p.id, *p.members)}


def prototype_for(exercise: Exercise) -> Prototype | None:
    """The prototype that stands for a catalog entry, or None if none describes it."""
    return _BY_MEMBER.get(exercise.id)


def _own_signal(track: PoseTrack, exercise: Exercise) -> float:
    """1.0 when the exercise's own counter finds a rep (or its position is held), else 0.0."""
    from tools.analysis import holding_mask
    from tools.reps import count_reps

    p = exercise.profile
    signal = compute_signal(track, p.signal)
    if p.mode == "hold":
        held = holding_mask(track, exercise, signal.smooth)
        return 1.0 if held.sum() >= track.fps * 2 else 0.0
    reps = count_reps(
        signal.smooth,
        track.times_s,
        low=p.low,
        high=p.high,
        direction=p.direction,
        min_duration_s=p.min_rep_s,
    )
    return 1.0 if reps else 0.0


def score_prototype(proto: Prototype, feats: dict[str, float], track: PoseTrack) -> float:
    """A prototype's score (0..1): the weighted mean of its conditions and its own counter,
    scaled by its posture (the lowest of its gate conditions): a movement in another posture
    cannot be this exercise however well its joints match."""
    marks = [(c, c.score(feats.get(c.feature, math.nan))) for c in proto.conditions]
    total = sum(c.weight * m for c, m in marks)
    weight = sum(c.weight for c, _ in marks)
    if proto.own_signal_weight:
        total += proto.own_signal_weight * _own_signal(track, proto.exercise)
        weight += proto.own_signal_weight
    posture = min((m for c, m in marks if c.gate), default=1.0)
    return posture * total / weight


# ---------------------------------------------------------------------------- recognition


def _entry(proto: Prototype, score: float, prob: float) -> dict:
    ex = proto.exercise
    return {
        "exerciseId": ex.id,
        "exercise": ex.name,
        "score": round(score, 2),
        "confidence": round(prob, 2),
    }


def recognize(track: PoseTrack, named: Exercise | None = None) -> dict:
    """Recognises the exercise in a pose track, and checks a named one against it.

    Args:
        track: The pose track (the main subject is followed here).
        named: The exercise the person said they did, if any.

    Returns:
        {"exerciseId", "exercise", "confidence" (0..1), "sure" (bool), "candidates" (the top
        three: exerciseId, exercise, score, confidence), "named" (the named exercise's id or
        None), "namedScore" (its prototype's score, None when no prototype describes it),
        "checked" (whether the named exercise could be checked), "mismatch" (bool), "message"
        (a sentence for the person: what was recognised, how sure, and any mismatch)}.
    """
    from tools.subject import follow_main_subject

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        track, _ = follow_main_subject(track)
        feats = features(track)
        scores = np.array([score_prototype(p, feats, track) for p in PROTOTYPES])
    probs = np.exp((scores - scores.max()) / TEMPERATURE)
    probs /= probs.sum()
    order = np.argsort(-scores, kind="stable")
    best = PROTOTYPES[order[0]]
    lead = float(scores[order[0]] - scores[order[1]])
    sure = bool(scores[order[0]] >= SURE_SCORE and lead >= SURE_LEAD)
    out = {
        **{k: v for k, v in _entry(best, scores[order[0]], probs[order[0]]).items()},
        "sure": sure,
        "candidates": [_entry(PROTOTYPES[i], scores[i], probs[i]) for i in order[:3]],
        "named": None,
        "namedScore": None,
        "checked": False,
        "mismatch": False,
    }
    del out["score"]
    how = "" if sure else " (not sure)"
    message = f"Recognised as {best.exercise.name}{how}, confidence {probs[order[0]]:.0%}."
    if not sure:
        others = " or ".join(f"{PROTOTYPES[i].exercise.name} ({probs[i]:.0%})" for i in order[1:3])
        message += f" It could also be {others}; name the exercise if this is wrong."
    if named is not None:
        out["named"] = named.id
        proto = prototype_for(named)
        if proto is not None:
            k = PROTOTYPES.index(proto)
            out["namedScore"] = round(float(scores[k]), 2)
            out["checked"] = True
            out["mismatch"] = bool(
                proto is not best
                and scores[k] < FIT_MIN
                and scores[order[0]] - scores[k] >= FIT_LEAD
                and scores[order[0]] >= SURE_SCORE
            )
        if out["mismatch"]:
            message = (
                f"This movement does not look like {named.name}: it looks like "
                f"{best.exercise.name} (confidence {probs[order[0]]:.0%}). Form was not judged "
                f"as {named.name}; analyse it as {best.exercise.name} instead?"
            )
        elif proto is None:
            message += f" {named.name} cannot be checked against the movement."
    out["message"] = message
    return out


def recognisable() -> list[Exercise]:
    """The catalog entries recognition can tell apart (one per prototype)."""
    return [p.exercise for p in PROTOTYPES]


def posture_band(exercise: Exercise) -> tuple[float, float] | None:
    """The torso-lean band (degrees) the exercise's reps are done in, or None if any."""
    if exercise.id in POSTURE_EXCEPTIONS:
        return None
    return POSTURE_BANDS.get(exercise.family)


def posture_words(band: tuple[float, float]) -> str:
    """The band in words, for a notice."""
    if band[0] > 0:
        return f"with the torso near horizontal (leaning at least {band[0]:.0f}° from vertical)"
    return f"with the torso upright (within {band[1]:.0f}° of vertical)"
