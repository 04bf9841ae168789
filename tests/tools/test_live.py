"""Live analysis (tools.live) agrees with the upload analysis on a real clip (needs ../shared)."""

import os

import numpy as np
import pytest

from tests.tools.conftest import VIDEOS
from tools.analysis import analyze_track
from tools.exercises import resolve_exercise
from tools.landmarks import LANDMARK
from tools.live import LiveAnalyser, setup_advice
from tools.pose import extract_pose_track
from tools.reps import count_reps
from tools.signals import compute_signal


@pytest.fixture(scope="module")
def squat_track():
    """The real clip's pose track, extracted once for the module (skips without ../shared)."""
    if not VIDEOS.is_dir():
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(f"CI=true but the shared video folder {VIDEOS} is missing")
        pytest.skip(f"shared video folder {VIDEOS} not present (datasets live outside the repo)")
    return extract_pose_track(VIDEOS / "squat_front_01.mp4")


def stream(track, exercise):
    live = LiveAnalyser(exercise, track.width, track.height)
    answers = []
    for i in range(track.n_frames):
        seen = bool(track.detected[i])
        answers.append(
            live.push(
                track.timestamps_ms[i],
                track.landmarks[i] if seen else None,
                track.world[i] if seen else None,
            )
        )
    return live, answers


def test_live_reps_equal_the_upload_analysis(squat_track):
    squat = resolve_exercise("squat")
    live, answers = stream(squat_track, squat)
    batch = analyze_track(squat_track, squat)
    assert batch["repCount"] == 6
    assert live.rep_count == batch["repCount"]
    reps = [e for a in answers for e in a["events"] if e["type"] == "rep"]
    assert [e["number"] for e in reps] == [1, 2, 3, 4, 5, 6]
    # Each rep's measurements are the upload's measurements of that rep.
    for event, rep in zip(reps, batch["reps"], strict=True):
        assert event["measurements"]["kneeAngleBottom"] == rep["kneeAngleBottom"]
    # Announced as it happens: each rep within a second of its end in the video (the end is
    # where the movement stops, which can come a little after the counter sees the rep).
    frames = [i for i, a in enumerate(answers) for e in a["events"] if e["type"] == "rep"]
    for frame, rep in zip(frames, batch["reps"], strict=True):
        assert abs(squat_track.times_s[frame] - rep["endTime"]) < 1.0
    # The whole set, as kept by the live analyser, is the same track.
    assert analyze_track(live.track(), squat)["repCount"] == 6


def test_counter_on_every_prefix_never_loses_a_rep(squat_track):
    """The live count is the batch counter on the frames so far: it only grows."""
    p = resolve_exercise("squat").profile
    signal = compute_signal(squat_track, p.signal).smooth
    counts = [
        len(
            count_reps(
                signal[:n], squat_track.times_s[:n], low=p.low, high=p.high, direction=p.direction
            )
        )
        for n in range(30, squat_track.n_frames + 1, 15)
    ]
    assert counts == sorted(counts) and counts[-1] == 6


def test_phase_and_angle_follow_the_squat(squat_track):
    _, answers = stream(squat_track, resolve_exercise("squat"))
    phases = {a["phase"] for a in answers}
    assert {"top", "lowering", "bottom", "rising"} <= phases
    bottom = [a["angle"] for a in answers if a["phase"] == "bottom"]
    top = [a["angle"] for a in answers if a["phase"] == "top"]
    assert np.median(bottom) < np.median(top) - 60


def test_setup_says_step_back_when_the_feet_are_cut_off(squat_track):
    squat = resolve_exercise("squat")
    seen = np.flatnonzero(squat_track.detected)[:30]
    window = squat_track.__class__(
        landmarks=squat_track.landmarks[seen].copy(),
        world=squat_track.world[seen].copy(),
        timestamps_ms=squat_track.timestamps_ms[seen],
        fps=squat_track.fps,
        width=squat_track.width,
        height=squat_track.height,
    )
    assert setup_advice(window, squat)[0] == "ready"
    for part in ("ankle", "heel", "foot_index"):
        for side in ("left", "right"):
            window.landmarks[:, LANDMARK[f"{side}_{part}"], 1] = 1.08
    kind, message = setup_advice(window, squat)
    assert kind == "body_out_of_frame"
    assert "feet are out of frame" in message
    empty = window.__class__.empty(30, 30.0, 640, 360)
    assert setup_advice(empty, squat)[0] == "no_person"
