"""Fault rules of the named exercises on synthetic bodies with exactly known geometry.

Each test builds a clean set and a faulty one with tests.tools.synthetic_tracks.body_track and
checks that the fault is reported (with its measurement quoted in the cue, its reps and frames)
only in the faulty one, and that view gating says which checks the camera could not make.
"""

import numpy as np
import pytest

from tests.tools.synthetic_tracks import body_track, dips, squat_segments
from tools.analysis import analyze_track
from tools.exercises import resolve_exercise


def analyze(name, track):
    return analyze_track(track, resolve_exercise(name))


def types(findings):
    return {i["type"] for i in findings["issues"]}


def only(findings, issue_type):
    found = [i for i in findings["issues"] if i["type"] == issue_type]
    assert found, f"{issue_type} not reported: {types(findings)}"
    return found


def check(findings, name):
    return next(c for c in findings["checks"] if c["name"] == name)


def frac(series, rest, value):
    """0 at rest, 1 at the excursion's extreme, per frame."""
    return (rest - series) / (rest - value)


# --- squat -----------------------------------------------------------------------------------


def squat(bottoms=(80.0, 80.0), view="side", lean_k=0.45, **kw):
    knee = dips(list(bottoms), rest=170.0)
    seg = squat_segments(knee, lean_deg=lean_k * (180.0 - knee))
    return knee, body_track(len(knee), view=view, **seg, **kw)


def test_clean_squat_from_the_side_has_no_faults_and_explains_front_only_checks():
    _, track = squat()
    findings = analyze("squat", track)
    assert findings["repCount"] == 2 and findings["issues"] == []
    assert findings["camera"]["view"] == "side"
    valgus = check(findings, "knee_valgus")
    assert valgus["status"] == "not_possible" and "front" in valgus["reason"]
    assert check(findings, "forward_lean")["status"] == "done"


def test_squat_forward_lean_quotes_the_angle():
    _, track = squat(lean_k=0.7)  # 70 degrees at a 80-degree knee
    (issue, *_) = only(analyze("squat", track), "Forward lean")
    assert issue["measured"]["torsoLeanDeg"] == pytest.approx(70.0, abs=1.5)
    assert "70°" in issue["coachingCue"] and issue["severity"] == "moderate"


def test_squat_heel_rise():
    knee, _ = squat()
    lift = 25.0 * frac(knee, 170.0, 80.0)  # the foot tips 25 degrees at the bottom
    _, track = squat(foot=90.0 - lift)
    issues = only(analyze("squat", track), "Heel rise")
    assert len(issues) == 2
    assert issues[0]["measured"]["heelRiseDeg"] == pytest.approx(25.0, abs=2.0)
    assert f"{issues[0]['measured']['heelRiseDeg']:.0f}°" in issues[0]["coachingCue"]


def test_squat_knee_valgus_from_the_front():
    knee, clean = squat(view="front")
    assert "Knee valgus" not in types(analyze("squat", clean))
    cave = 0.07 * frac(knee, 170.0, 80.0)
    _, track = squat(view="front", lateral={"knee": cave})
    findings = analyze("squat", track)
    assert findings["camera"]["view"] == "front"
    issue = only(findings, "Knee valgus")[0]
    assert issue["measured"]["kneeToAnkleWidth"] == pytest.approx(0.3, abs=0.05)
    assert "30%" in issue["coachingCue"]
    assert check(findings, "forward_lean")["status"] == "not_possible"


def test_squat_asymmetry_from_the_front():
    knee = dips([80.0, 80.0], rest=170.0)
    other = dips([110.0, 110.0], rest=170.0)
    left, right = squat_segments(knee), squat_segments(other)
    track = body_track(
        len(knee),
        view="front",
        thigh={"left": left["thigh"], "right": right["thigh"]},
        shin={"left": left["shin"], "right": right["shin"]},
        torso=left["torso"],
    )
    issue = only(analyze("squat", track), "Asymmetry")[0]
    assert issue["measured"]["kneeDifferenceDeg"] == pytest.approx(30.0, abs=2.0)
    assert "left knee" in issue["coachingCue"]


# --- push-up and plank -----------------------------------------------------------------------


def push_up(bottoms=(80.0, 80.0), bend=0.0, head=0.0):
    """Horizontal body facing +x; bend > 0 sags the hips, < 0 pikes them (degrees)."""
    elbow = dips(list(bottoms), rest=175.0)
    flex = 180.0 - elbow
    return body_track(
        len(elbow),
        torso=90.0 + bend,
        head=90.0 + bend + head,
        thigh=-90.0 - bend,
        shin=-90.0 - bend,
        upper_arm=-flex / 2,
        forearm=flex / 2,
    )


def test_clean_push_up():
    findings = analyze("push-up", push_up())
    assert findings["repCount"] == 2 and findings["issues"] == [] and findings["score"] == 10.0


@pytest.mark.parametrize(("bend", "issue_type"), [(12.0, "Hip sag"), (-15.0, "Hip pike")])
def test_push_up_hip_line(bend, issue_type):
    findings = analyze("push-up", push_up(bend=bend))
    issues = only(findings, issue_type)
    assert len(issues) == 2
    assert abs(issues[0]["measured"]["hipLineDeg"]) == pytest.approx(2 * abs(bend), abs=1.0)
    assert f"{2 * abs(bend):.0f}°" in issues[0]["coachingCue"]
    assert findings["score"] < 10.0


def test_push_up_partial_range_and_head_drop():
    findings = analyze("push-up", push_up(bottoms=(112.0, 80.0), head=-45.0))
    partial = only(findings, "Partial range of motion")
    assert partial[0]["reps"] == [1] and "112°" in partial[0]["coachingCue"]
    assert len(only(findings, "Head drop")) == 2


def plank(n=150, bend=None):
    bend = np.zeros(n) if bend is None else bend
    return body_track(n, torso=90.0 + bend, thigh=-90.0 - bend, shin=-90.0 - bend, forearm=90.0)


def test_plank_hips_low_and_high_with_share_of_hold():
    bend = np.zeros(300)
    bend[60:150] = 10.0  # hips 20 degrees low for 3 s of 10 s
    bend[200:230] = -10.0  # hips 20 degrees high for 1 s
    findings = analyze("plank", plank(300, bend))
    assert findings["hold"]["durationS"] == pytest.approx(10.0, abs=0.1)
    low = only(findings, "Hips too low")[0]
    high = only(findings, "Hips too high")[0]
    assert low["share"] == pytest.approx(0.3, abs=0.03) and "30%" in low["coachingCue"]
    assert high["share"] == pytest.approx(0.1, abs=0.03)
    assert 60 <= low["frameStart"] <= 62 and 148 <= low["frameEnd"] <= 150
    assert 10.0 - findings["score"] == pytest.approx(3.0 * 0.3 + 3.0 * 0.1, abs=0.2)


# --- deadlift --------------------------------------------------------------------------------


def deadlift(tops=(175.0, 175.0), hips_first=False, round_back=0.0):
    hip = dips(list(tops), rest=70.0, rep_s=2.4)
    p = (hip - 70.0) / 105.0  # 0 on the floor, 1 at lockout
    knee_p = np.clip(2.0 * p, 0, 1) if hips_first else p
    lean = 60.0 * (1 - p) if not hips_first else 60.0 * (1 - p**3)
    thigh = 50.0 * (1 - knee_p)
    torso = 180.0 - lean
    # Keep the hip angle as the series says: hip = 180 - lean - thigh.
    torso = 180.0 - (180.0 - hip - thigh) if not hips_first else torso
    return body_track(
        len(hip),
        torso=torso,
        thigh=thigh,
        shin=-25.0 * (1 - knee_p),
        head=torso - round_back * (1 - p),
        upper_arm=0.0,
    )


def test_clean_deadlift():
    findings = analyze("deadlift", deadlift())
    assert findings["repCount"] == 2 and findings["issues"] == []


def test_deadlift_incomplete_lockout_and_hips_rising_first():
    short = analyze("deadlift", deadlift(tops=(155.0, 175.0)))
    lockout = only(short, "Incomplete lockout")
    assert lockout[0]["reps"] == [1] and "155°" in lockout[0]["coachingCue"]
    early = analyze("deadlift", deadlift(hips_first=True))
    issue = only(early, "Hips rising first")[0]
    assert issue["measured"]["kneeLeadPct"] > 35


def test_deadlift_back_rounding_proxy_has_lower_confidence():
    issue = only(analyze("deadlift", deadlift(round_back=60.0)), "Rounded back")[0]
    assert issue["confidenceScore"] <= 0.8


# --- lunge and lateral lunge -----------------------------------------------------------------


def lunge(shin, back_knee=90.0, lean=0.0):
    """Left leg in front with the given shin direction, right knee at back_knee at the bottom."""
    front_knee = dips([90.0, 90.0], rest=175.0)
    f = frac(front_knee, 175.0, 90.0)
    front_thigh = (90.0 + shin) * f  # front knee angle = 180 - (thigh - shin) = 90
    back_thigh = -20.0 * f
    return body_track(
        len(front_knee),
        torso=180.0 - lean * f,
        thigh={"left": front_thigh, "right": back_thigh},
        shin={"left": shin * f, "right": back_thigh - (180.0 - back_knee) * f},
    )


def test_clean_lunge():
    findings = analyze("lunge", lunge(shin=-5.0))
    assert findings["repCount"] == 2 and findings["issues"] == []


def test_lunge_knee_past_toes_knee_range_and_lean():
    past = only(analyze("lunge", lunge(shin=-35.0)), "Knee past toes")[0]
    # The knee's centre is 0.43 sin 35 = 0.25 m ahead of the ankle, the toes 0.15 m: 0.23
    # shins; its front a further 0.1 shin (KNEE_FRONT_SHINS): 0.33 shins past.
    assert past["measured"]["kneePastToeShins"] == pytest.approx(0.33, abs=0.03)
    assert "about 14 cm past your toes" in past["coachingCue"]  # 0.33 of a 0.43 m shin
    rng = only(analyze("lunge", lunge(shin=-5.0, back_knee=160.0)), "Knee angle out of range")
    assert "back knee" in rng[0]["coachingCue"] and "160°" in rng[0]["coachingCue"]
    lean = only(analyze("lunge", lunge(shin=-5.0, lean=45.0)), "Torso lean")
    assert "45°" in lean[0]["coachingCue"]


def lateral_lunge(trailing=175.0):
    bent = dips([90.0, 90.0], rest=175.0)
    f = frac(bent, 175.0, 90.0)
    return body_track(
        len(bent),
        view="front",
        thigh={"left": 50.0 * f, "right": 0.0},
        shin={"left": -40.0 * f, "right": -(180.0 - trailing) * f},
    )


def test_lateral_lunge_trailing_leg():
    assert analyze("lateral lunge", lateral_lunge())["issues"] == []
    issue = only(analyze("lateral lunge", lateral_lunge(trailing=130.0)), "Trailing leg bent")[0]
    assert "130°" in issue["coachingCue"] and issue["severity"] == "moderate"


# --- pull-up, dip, curl, overhead press --------------------------------------------------------


def pull_up(top_flex=150.0, start_flex=0.0, swing=0.0):
    """Hanging (arms straight up) to elbows bent by top_flex; the upper arm swings forward-down."""
    f = frac(dips([0.0, 0.0], rest=1.0, rep_s=2.0), 1.0, 0.0)
    flex = start_flex + (top_flex - start_flex) * f
    upper = 180.0 - 0.55 * flex
    return body_track(
        len(f),
        torso=180.0 + swing * np.sin(np.linspace(0, 12 * np.pi, len(f))),
        upper_arm=upper,
        forearm=upper + flex,
    )


def test_pull_up_counts_and_flags_chin_swing_and_hang():
    clean = analyze("pull-up", pull_up())
    assert clean["repCount"] == 2 and clean["issues"] == [], clean["issues"]
    # Shoulders reach ~55% of an arm length towards the hands: a rep, but the nose stays
    # just below the hands.
    short = analyze("pull-up", pull_up(top_flex=125.0))
    assert short["repCount"] == 2
    assert only(short, "No chin over bar")
    bent = analyze("pull-up", pull_up(start_flex=45.0))
    hang = only(bent, "Partial hang")[0]
    assert "135°" in hang["coachingCue"]
    swinging = analyze("pull-up", pull_up(swing=15.0))
    assert only(swinging, "Kipping")[0]["measured"]["swingDeg"] == pytest.approx(30.0, abs=2.0)


def arm_rep(rest, extreme, n_reps=2):
    series = dips([extreme] * n_reps, rest=rest)
    return series, frac(series, rest, extreme)


def test_dip_depth_and_lockout():
    elbow, _ = arm_rep(170.0, 85.0)
    flex = 180.0 - elbow
    clean = analyze("dip", body_track(len(elbow), upper_arm=-flex / 2, forearm=flex / 2))
    assert clean["repCount"] == 2 and clean["issues"] == []
    elbow, _ = arm_rep(150.0, 105.0)
    flex = 180.0 - elbow
    bad = analyze("dip", body_track(len(elbow), upper_arm=-flex / 2, forearm=flex / 2))
    assert "105°" in only(bad, "Shallow depth")[0]["coachingCue"]
    lockout = only(bad, "Incomplete lockout")[0]
    assert lockout["measured"]["elbowAngleTop"] == pytest.approx(150.0, abs=1.5)


def curl(top=40.0, swing=0.0, lean_back=0.0):
    elbow, f = arm_rep(170.0, top)
    return body_track(
        len(elbow),
        torso=180.0 + lean_back * f,
        head=180.0,
        upper_arm=swing * f,
        forearm=swing * f + (180.0 - elbow),
    )


def test_bicep_curl_rules():
    clean = analyze("bicep curl", curl())
    assert clean["repCount"] == 2 and clean["issues"] == []
    swing = only(analyze("bicep curl", curl(swing=60.0)), "Upper-arm swing")[0]
    assert "60°" in swing["coachingCue"]
    top = only(analyze("bicep curl", curl(top=88.0)), "Incomplete top")[0]
    assert "88°" in top["coachingCue"]
    lean = only(analyze("bicep curl", curl(lean_back=22.0)), "Leaning back")[0]
    assert lean["measured"]["leanBackDeg"] == pytest.approx(22.0, abs=1.0)


def press(top=175.0, lean_back=0.0):
    # Up direction: from the rack (elbow 80) to lockout; the upper arm rises with it.
    elbow = dips([top, top], rest=80.0)
    f = frac(elbow, 80.0, top)
    upper = 110.0 + 70.0 * f
    return body_track(
        len(elbow),
        torso=180.0 + lean_back * f,
        head=180.0,
        upper_arm=upper,
        forearm=upper + (180.0 - elbow),
    )


def test_overhead_press_lockout_and_arch():
    clean = analyze("overhead press", press())
    assert clean["repCount"] == 2 and clean["issues"] == []
    assert (
        "150°"
        in only(analyze("overhead press", press(top=150.0)), "Incomplete lockout")[0]["coachingCue"]
    )
    arch = only(analyze("overhead press", press(lean_back=25.0)), "Lower-back arch")[0]
    assert arch["measured"]["leanBackDeg"] == pytest.approx(25.0, abs=1.0)


# --- sit-up and jumping jack -----------------------------------------------------------------


def sit_up(top_torso=175.0, knee_lift=0.0):
    # Lying: torso points back (-90); sitting up it swings forward over the hips to top_torso.
    t = dips([0.0, 0.0], rest=1.0, rep_s=2.0)
    f = 1.0 - t
    return body_track(
        len(f),
        torso=270.0 - (270.0 - top_torso) * f,
        thigh=135.0 + knee_lift * f,
        shin=45.0 + knee_lift * f,
    )


def test_sit_up_range_and_feet():
    clean = analyze("sit-up", sit_up())
    assert clean["repCount"] == 2 and clean["issues"] == []
    partial = only(analyze("sit-up", sit_up(top_torso=222.0)), "Partial range of motion")[0]
    assert "87°" in partial["coachingCue"]
    assert only(analyze("sit-up", sit_up(knee_lift=20.0)), "Feet lifting")


def jack(arm_top=170.0, feet_out=0.25):
    f = frac(dips([0.0] * 3, rest=1.0, rep_s=1.0, rest_s=0.5), 1.0, 0.0)
    return body_track(
        len(f),
        view="front",
        upper_arm=arm_top * f,
        forearm=arm_top * f,
        lateral={"ankle": -feet_out * f},
    )


def test_jumping_jack_arms_and_feet():
    clean = analyze("jumping jack", jack())
    assert clean["repCount"] == 3 and clean["issues"] == []
    low = only(analyze("jumping jack", jack(arm_top=120.0)), "Arms not overhead")
    assert low[0]["measured"]["shoulderAngleTop"] == pytest.approx(120.0, abs=1.5)
    narrow = only(analyze("jumping jack", jack(feet_out=0.0)), "Feet not wide")
    assert len(narrow) == 3
