"""The API process must be able to use tools.video / tools.exercises without loading mediapipe."""

import subprocess
import sys

import numpy as np

from tools.pose import PoseTrack


def test_light_modules_do_not_import_mediapipe():
    code = (
        "import sys, tools.video, tools.exercises, tools.pose, tools.analysis;"
        "print('mediapipe' in sys.modules, 'google.adk' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["False", "False"]


def test_pose_track_npz_round_trip(tmp_path):
    lm = np.random.default_rng(0).random((4, 33, 4)).astype(np.float32)
    lm[1] = np.nan
    track = PoseTrack(lm, lm * 2, np.arange(4) * 40.0, fps=25.0, width=640, height=360)
    track.save_npz(tmp_path / "t.npz")
    back = PoseTrack.load_npz(tmp_path / "t.npz")
    assert back.n_frames == 4 and back.fps == 25.0 and (back.width, back.height) == (640, 360)
    np.testing.assert_array_equal(back.landmarks, track.landmarks)
    np.testing.assert_array_equal(back.detected, [True, False, True, True])
