"""Camera view, body in frame, main subject, keyframes, series and keyframe images."""

import cv2
import numpy as np
import pytest

from tests.tools.synthetic_tracks import body_track, dips, squat_segments
from tools.analysis import analyze_track
from tools.exercises import resolve_exercise
from tools.landmarks import LANDMARK
from tools.subject import follow_main_subject
from tools.view import body_in_frame, detect_view
from tools.visuals import render_keyframes

SQUAT = resolve_exercise("squat")


def squat_track(view="side", **kw):
    knee = dips([80.0, 105.0], rest=170.0)
    return body_track(len(knee), view=view, **squat_segments(knee), **kw)


def test_view_is_read_from_the_body():
    assert detect_view(squat_track("side"))["view"] == "side"
    assert detect_view(squat_track("front"))["view"] == "front"
    rear = squat_track("front")
    for arr in (rear.landmarks, rear.world):
        arr[..., 0] *= -1  # mirrored: the person's left on the image's left = seen from behind
    rear.landmarks[..., 0] += 1.0
    assert detect_view(rear)["view"] == "rear"


def test_body_cut_off_is_reported_with_guidance():
    track = squat_track()
    for side in ("left", "right"):
        track.landmarks[:, LANDMARK[f"{side}_ankle"], 1] = 1.02  # below the frame
    body = body_in_frame(track, SQUAT.profile.joints, "side")
    assert not body["ok"] and body["share"] == 0.0
    assert any("ankle" in m for m in body["missing"]) and "step back" in body["guidance"]
    findings = analyze_track(track, SQUAT)
    check = next(c for c in findings["checks"] if c["name"] == "body_in_frame")
    assert check["status"] == "limited" and check["reason"]


def test_main_subject_is_kept_when_the_tracker_jumps_to_a_bystander():
    track = squat_track()
    n = track.n_frames
    other = slice(n // 2 - 10, n // 2 + 10)
    track.landmarks[other, :, 0] -= 0.35  # someone else, far to the left, for 20 frames
    cleaned, summary = follow_main_subject(track)
    assert summary["framesDropped"] == 20
    assert np.isnan(cleaned.landmarks[other]).all()
    assert not np.isnan(cleaned.landmarks[: n // 2 - 10]).any()


def test_keyframes_and_series():
    findings = analyze_track(squat_track(), SQUAT)
    kinds = [k["kind"] for k in findings["keyframes"]]
    assert kinds[0] == "worst_rep"
    worst = findings["keyframes"][0]
    assert worst["rep"] == 2 and worst["angle"] == pytest.approx(105.0, abs=1.0)
    assert "105°" in worst["label"] and len(worst["joints"]) == 3
    fault = next(k for k in findings["keyframes"] if k["kind"] == "fault")
    assert fault["issueType"] == "Shallow depth" and fault["rep"] == 2
    series = findings["series"]
    assert series["signal"] == "knee_angle" and series["unit"] == "°"
    assert len(series["frames"]) == len(series["values"]) == findings["totalFrames"]
    assert min(v for v in series["values"] if v is not None) == pytest.approx(80.0, abs=1.0)


def test_render_keyframes_writes_annotated_jpegs(tmp_path):
    track = squat_track()
    findings = analyze_track(track, SQUAT)
    video = tmp_path / "clip.avi"
    writer = cv2.VideoWriter(str(video), cv2.VideoWriter_fourcc(*"MJPG"), 30, (1280, 720))
    for _ in range(track.n_frames):
        writer.write(np.full((720, 1280, 3), 40, np.uint8))
    writer.release()
    out = render_keyframes(video, track, findings["keyframes"], tmp_path / "kf")
    assert [o["file"] for o in out] == [
        f"keyframe_{k['frame']}_{k['kind']}.jpg" for k in findings["keyframes"]
    ]
    img = cv2.imread(str(tmp_path / "kf" / out[0]["file"]))
    assert img.shape == (720, 1280, 3) and (out[0]["width"], out[0]["height"]) == (1280, 720)
    # The drawing is there: the plain grey frame gained red (highlight) and light pixels.
    assert (img[..., 2] > 200).sum() > 500 and (img.max(axis=2) > 200).sum() > 1000
