"""Generic checks (tools.faults.generic) on synthetic bodies with exactly known angles and timing.

Each check is run on a clean set and on one with the fault planted, so a check that never fires
or always fires fails here; `checks` must say which were judged and why the others were not,
and the score must be measured or None with its reason, never a 10 by construction.
"""

import numpy as np
import pytest

from tests.tools.synthetic_tracks import body_track, dips
from tools.analysis import analyze_track
from tools.exercises import EXERCISES, resolve_exercise
from tools.faults import RULES
from tools.faults.generic import GENERIC, checks_for

FPS = 30.0


def reps_series(extremes, rest, first_s=0.8, second_s=0.8, rest_s=0.8):
    """Rest, then per rep a half-cosine to the extreme in first_s and back in second_s.

    Each of extremes / first_s / second_s may be a list (one value per rep) or a scalar.
    """
    n = len(extremes)
    firsts = np.broadcast_to(first_s, (n,))
    seconds = np.broadcast_to(second_s, (n,))
    parts = [np.full(round(rest_s * FPS), rest)]
    for value, a, b in zip(extremes, firsts, seconds, strict=True):
        go = np.linspace(0.0, np.pi, round(a * FPS), endpoint=False)
        back = np.linspace(np.pi, 2 * np.pi, round(b * FPS))
        phase = np.concatenate([go, back])
        parts.append(rest - (rest - value) * (1 - np.cos(phase)) / 2)
        parts.append(np.full(round(rest_s * FPS), rest))
    return np.concatenate(parts)


def leg_curl_track(knee, view="side", right=None):
    """A standing leg curl: thigh vertical, the shin swinging back to the given knee angle."""
    shin = -(180.0 - knee)
    if right is not None:
        shin = {"left": shin, "right": -(180.0 - right)}
    return body_track(len(knee), view=view, shin=shin)


def analyze(name, track):
    return analyze_track(track, resolve_exercise(name))


def check(findings, name):
    found = [c for c in findings["checks"] if c["name"] == name]
    assert found, f"{name} not in checks: {[c['name'] for c in findings['checks']]}"
    return found[0]


def issues_of(findings, rule):
    return [i for i in findings["issues"] if i["rule"] == rule]


# --- every exercise is judged on something -------------------------------------------------------


def test_every_catalog_exercise_has_checks_that_can_judge_it():
    for exercise in EXERCISES:
        generic = checks_for(exercise)
        assert exercise.profile.rules or generic, exercise.id
        assert generic, f"{exercise.id} has no generic check"


def test_rule_less_exercise_gets_a_measured_score_and_honest_checks():
    findings = analyze("leg curl", leg_curl_track(reps_series([70.0] * 4, rest=170.0)))
    assert findings["repCount"] == 4
    assert findings["issues"] == []
    assert findings["score"] == 10.0 and findings["scoreNote"] is None
    for name in ("full_range", "depth_consistency", "tempo_consistency", "eccentric_control"):
        assert check(findings, name)["status"] == "done"
    symmetry = check(findings, "symmetry")
    assert symmetry["status"] == "not_possible" and "front or rear" in symmetry["reason"]
    assert not [c for c in findings["checks"] if c["name"] == "faults"]


def test_generic_check_left_to_the_rule_that_makes_it():
    knee = dips([80.0, 80.0, 80.0], rest=170.0)
    findings = analyze(
        "squat",
        body_track(
            len(knee),
            thigh=0.6 * (180 - knee),
            shin=-0.4 * (180 - knee),
            torso=180 - 0.45 * (180 - knee),
        ),
    )
    names = {c["name"] for c in findings["checks"]}
    assert "shallow_depth" in names and "full_range" not in names
    assert "squat_asymmetry" in names and "symmetry" not in names
    assert {"depth_consistency", "eccentric_control"} <= names


# --- full range ----------------------------------------------------------------------------------


def test_full_range_against_the_exercise_own_target():
    knee = reps_series([70.0, 105.0, 70.0], rest=170.0)
    findings = analyze("leg curl", leg_curl_track(knee))
    (issue,) = issues_of(findings, "full_range")
    assert issue["type"] == "Partial range of motion" and issue["reps"] == [2]
    assert issue["measured"]["kneeAngleBottom"] == pytest.approx(105.0, abs=1.5)
    # Target 80 with tolerance 10: 105 is 15 past the tolerance, "moderate" (10-20).
    assert issue["severity"] == "moderate"
    assert "105°" in issue["coachingCue"] and "leg curl" in issue["coachingCue"]
    assert "80°" in issue["coachingCue"]
    assert findings["score"] == pytest.approx(10.0 - 3.0 / 3, abs=0.05)


# --- depth consistency ---------------------------------------------------------------------------


def test_depth_consistency_flags_the_rep_short_of_the_others():
    # All within the target (80 + 10), but rep 4 stops 18° short of the other reps.
    knee = reps_series([55.0, 55.0, 55.0, 73.0], rest=170.0)
    findings = analyze("leg curl", leg_curl_track(knee))
    (issue,) = issues_of(findings, "depth_consistency")
    assert issue["reps"] == [4] and issue["severity"] == "minor"
    assert issue["measured"]["shortOfMedian"] == pytest.approx(18.0, abs=1.5)
    assert "18°" in issue["coachingCue"]
    even = analyze("leg curl", leg_curl_track(reps_series([55.0, 60.0, 55.0, 62.0], rest=170.0)))
    assert issues_of(even, "depth_consistency") == []


def test_depth_consistency_leaves_reps_that_miss_the_target_to_the_range_check():
    knee = reps_series([55.0, 55.0, 55.0, 105.0], rest=170.0)
    findings = analyze("leg curl", leg_curl_track(knee))
    assert [i["reps"] for i in issues_of(findings, "full_range")] == [[4]]
    assert issues_of(findings, "depth_consistency") == []


def test_consistency_needs_three_reps():
    findings = analyze("leg curl", leg_curl_track(reps_series([70.0, 100.0], rest=170.0)))
    for name in ("depth_consistency", "tempo_consistency"):
        c = check(findings, name)
        assert c["status"] == "not_possible" and "at least 3 reps" in c["reason"]
        assert "has 2" in c["reason"]


# --- tempo ---------------------------------------------------------------------------------------


def test_tempo_consistency_flags_a_much_slower_and_a_much_faster_rep():
    firsts = [0.8, 0.8, 0.8, 2.0, 0.8, 0.35]
    seconds = [0.8, 0.8, 0.8, 2.0, 0.8, 0.45]
    knee = reps_series([70.0] * 6, rest=170.0, first_s=firsts, second_s=seconds)
    findings = analyze("leg curl", leg_curl_track(knee))
    found = {i["reps"][0]: i for i in issues_of(findings, "tempo_consistency")}
    assert sorted(found) == [4, 6]
    assert "fatigue" in found[4]["coachingCue"] and "only" in found[6]["coachingCue"]
    assert found[4]["measured"]["durationS"] > 2 * found[4]["measured"]["setMedianS"] - 0.5


def test_tempo_not_judged_for_explosive_exercises():
    names = {c.name for c in checks_for(resolve_exercise("box jump"))}
    assert "tempo_consistency" not in names and "eccentric_control" not in names
    assert {"tempo_consistency", "eccentric_control"} <= {
        c.name for c in checks_for(resolve_exercise("leg curl"))
    }


# --- eccentric control ---------------------------------------------------------------------------


def test_rushed_lowering_is_a_fast_eccentric_that_is_faster_than_the_lift():
    # Leg curl: the curl (knee bending) is the lift; straightening the knee is the lowering.
    knee = reps_series([70.0] * 3, rest=170.0, first_s=1.2, second_s=0.25)
    findings = analyze("leg curl", leg_curl_track(knee))
    found = issues_of(findings, "eccentric_control")
    assert [i["reps"] for i in found] == [[1], [2], [3]]
    assert found[0]["type"] == "Rushed lowering"
    assert found[0]["measured"]["eccentricS"] < 0.5 < found[0]["measured"]["concentricS"]
    assert found[0]["severity"] in ("moderate", "severe")
    assert findings["score"] < 10.0


def test_fast_but_even_reps_are_not_a_rushed_lowering():
    knee = reps_series([70.0] * 3, rest=170.0, first_s=0.4, second_s=0.4)
    findings = analyze("leg curl", leg_curl_track(knee))
    assert check(findings, "eccentric_control")["status"] == "done"
    assert issues_of(findings, "eccentric_control") == []


# --- symmetry ------------------------------------------------------------------------------------


def test_symmetry_from_the_front_names_the_side_that_moved_less():
    left = reps_series([70.0] * 3, rest=170.0)
    right = reps_series([100.0] * 3, rest=170.0)
    findings = analyze("leg curl", leg_curl_track(left, view="front", right=right))
    assert findings["camera"]["view"] == "front"
    found = issues_of(findings, "symmetry")
    assert [i["reps"] for i in found] == [[1], [2], [3]]
    assert found[0]["type"] == "Left/right imbalance"
    assert found[0]["measured"]["leftRightDifferenceDeg"] == pytest.approx(30.0, abs=2.0)
    assert "right knee" in found[0]["coachingCue"]
    even = analyze("leg curl", leg_curl_track(left, view="front", right=left))
    assert check(even, "symmetry")["status"] == "done" and issues_of(even, "symmetry") == []


def test_sides_moving_one_at_a_time_are_not_compared():
    left = reps_series([70.0] * 3, rest=170.0)
    still = np.full_like(left, 170.0)
    findings = analyze("leg curl", leg_curl_track(left, view="front", right=still))
    c = check(findings, "symmetry")
    assert c["status"] == "not_possible" and "one at a time" in c["reason"]
    assert issues_of(findings, "symmetry") == []


# --- holds ---------------------------------------------------------------------------------------


def wall_sit(knee, view="side"):
    """Torso upright, thigh forward so that the knee angle is `knee` (shin vertical)."""
    return body_track(len(knee), view=view, thigh=180.0 - knee, shin=0.0)


def test_hold_steadiness_flags_a_wobble_not_a_steady_hold():
    t = np.arange(300) / FPS
    steady = analyze("wall sit", wall_sit(np.full(300, 92.0)))
    assert steady["score"] == 10.0 and steady["issues"] == []
    assert check(steady, "hold_steadiness")["status"] == "done"
    shaky = analyze("wall sit", wall_sit(92.0 + 9.0 * np.sin(2 * np.pi * 1.5 * t)))
    (issue,) = issues_of(shaky, "hold_steadiness")
    assert issue["type"] == "Unsteady hold" and issue["measured"]["wobbleDeg"] > 3.0
    assert shaky["score"] < 10.0


def test_hold_steadiness_ignores_a_slow_change_of_position():
    drift = analyze("wall sit", wall_sit(np.linspace(85.0, 100.0, 300)))
    assert issues_of(drift, "hold_steadiness") == []


def test_hold_position_against_the_exercise_target():
    findings = analyze("wall sit", wall_sit(np.full(300, 118.0)))
    (issue,) = issues_of(findings, "hold_position")
    assert issue["type"] == "Position off target"
    assert issue["measured"]["holdAverage"] == pytest.approx(118.0, abs=1.0)
    assert "118°" in issue["coachingCue"] and "90°" in issue["coachingCue"]
    # 118 is 28 past 90, 18 past the tolerance of 10: moderate.
    assert issue["severity"] == "moderate"


def test_plank_position_is_left_to_its_hip_rules():
    names = {c.name for c in checks_for(resolve_exercise("plank"))}
    assert "hold_position" not in names and "hold_steadiness" in names
    assert "hold_position" in {c.name for c in checks_for(resolve_exercise("side plank"))}


# --- not rated -----------------------------------------------------------------------------------


def test_nothing_judged_from_this_view_means_no_score():
    findings = analyze("wall sit", wall_sit(np.full(300, 92.0), view="front"))
    assert findings["hold"]["durationS"] > 5
    assert findings["score"] is None
    assert findings["scoreNote"].startswith("no check could be judged")
    assert "side view" in findings["scoreNote"]
    assert all(c["status"] != "done" for c in findings["checks"] if c["name"] in GENERIC)


def test_no_complete_rep_is_null_never_zero():
    findings = analyze("leg curl", leg_curl_track(np.full(120, 170.0)))
    assert findings["repCount"] == 0
    assert findings["score"] is None
    assert findings["scoreNote"] == "no complete repetition was detected"
    judged = [c for c in findings["checks"] if c["name"] in GENERIC or c["name"] in RULES]
    assert judged and all(c["status"] == "not_possible" for c in judged)
