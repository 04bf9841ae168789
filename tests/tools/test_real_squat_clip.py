"""End-to-end on a real clip: front-view air squats, six reps (needs ../shared)."""

from tools.analysis import analyze_video


def test_squat_front_01_has_six_reps(videos_dir):
    calls = []
    findings = analyze_video(
        videos_dir / "squat_front_01.mp4", "squat", on_progress=lambda d, t: calls.append((d, t))
    )
    assert findings["repCount"] == 6
    # The first ~1.5 s is a title card with nobody in it: no rep may start there.
    assert findings["reps"][0]["startTime"] > 1.5
    assert 0.8 < findings["poseCoverage"] < 1.0
    assert all(r["kneeAngleBottom"] < 90 for r in findings["reps"])  # deep air squats
    assert findings["issues"] == []
    done = [d for d, _ in calls]
    assert len(calls) >= 10 and done == sorted(done) and done[-1] == findings["totalFrames"]
