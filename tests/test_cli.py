import json
import subprocess
import sys

from tests.conftest import REPO
from tests.videos import blank_video


def biome(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "api.cli", *args],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=300,
    )


def test_analyze_reports_a_clear_error_for_a_clip_without_a_person(tmp_path):
    run = biome("analyze", str(blank_video(tmp_path / "empty.mp4")), "--exercise", "squat")
    assert run.returncode == 1
    assert "NO_PERSON_DETECTED" in run.stderr
    # Without --exercise the movement would name it; with nobody there, the same clear error.
    run = biome("analyze", str(tmp_path / "empty.mp4"))
    assert run.returncode == 1
    assert "NO_PERSON_DETECTED" in run.stderr


def test_analyze_rejects_unknown_exercise_and_missing_file(tmp_path):
    run = biome("analyze", str(blank_video(tmp_path / "x.mp4")), "--exercise", "juggling")
    assert run.returncode == 1
    assert "VALIDATION_ERROR" in run.stderr
    run = biome("analyze", str(tmp_path / "missing.mp4"), "--exercise", "squat")
    assert run.returncode == 2
    assert "no such file" in run.stderr


def test_analyze_json_prints_the_results_data_object(squat_video, tmp_path):
    run = biome(
        "analyze", str(squat_video), "--exercise", "SQUATS", "--json", "--keyframes", str(tmp_path)
    )
    assert run.returncode == 0, run.stderr
    data = json.loads(run.stdout)
    assert set(data) == {
        "session",
        "result",
        "issues",
        "metrics",
        "strengths",
        "recommendations",
        "reps",
        "checks",
        "notices",
        "keyframes",
    }
    assert data["result"]["repCount"] == 6
    assert data["result"]["exercise"] == "Squat"
    assert data["session"]["videoUrl"] == squat_video.resolve().as_uri()
    # The worst rep's frame is drawn, and the listing points at the picture.
    worst = [k for k in data["keyframes"] if k["kind"] == "worst_rep"]
    assert len(worst) == 1 and worst[0]["rep"] in range(1, 7)
    picture = tmp_path / f"keyframe_{worst[0]['frame']}_worst_rep.jpg"
    assert worst[0]["url"] == picture.as_uri()
    assert picture.read_bytes()[:3] == b"\xff\xd8\xff"  # a JPEG


def test_an_unrated_set_prints_not_rated_and_why(capsys):
    from api.cli import _print_report

    payload = {
        "result": {
            "exercise": "Plank",
            "repCount": 0,
            "overallScore": None,
            "unratedReason": "the position was never held",
            "coach": "biome-offline-coach",
            "totalFrames": 90,
            "processingTime": 1.2,
            "summary": None,
        },
        "reps": [],
        "metrics": [],
        "issues": [],
        "strengths": [],
        "recommendations": [],
        "notices": [],
    }
    _print_report(payload)
    first = capsys.readouterr().out.splitlines()[0]
    assert first == "Plank: 0 reps, not rated: the position was never held"
    assert "score" not in first
