"""Joint angles on known geometry, visibility gating, gap filling and smoothing."""

import numpy as np
import pytest

from tests.tools.synthetic_tracks import track_from_knee_angles
from tools.kinematics import angle_deg, interpolate_gaps, joint_angle, smooth, torso_lean_deg
from tools.landmarks import LANDMARK


def test_right_angle_straight_and_folded():
    b = np.array([0.0, 0.0])
    assert angle_deg([1.0, 0.0], b, [0.0, 1.0]) == pytest.approx(90.0)
    assert angle_deg([1.0, 0.0], b, [-1.0, 0.0]) == pytest.approx(180.0)
    assert angle_deg([1.0, 0.0], b, [2.0, 0.0]) == pytest.approx(0.0)


def test_vectorised_3d_and_nan():
    a = np.array([[1.0, 0, 0], [1.0, 0, 0], [np.nan, 0, 0]])
    b = np.zeros((3, 3))
    c = np.array([[0.0, 0, 1], [1.0, 1.0, 0], [0.0, 1, 0]])
    out = angle_deg(a, b, c)
    assert out.shape == (3,)
    assert out[0] == pytest.approx(90.0)
    assert out[1] == pytest.approx(45.0)
    assert np.isnan(out[2])


def test_zero_length_segment_is_nan():
    assert np.isnan(angle_deg([0.0, 0.0], [0.0, 0.0], [1.0, 0.0]))


def test_joint_angle_reads_world_geometry():
    angles = np.array([170.0, 120.0, 90.0, 60.0])
    track = track_from_knee_angles(angles)
    for side in ("left", "right"):
        assert joint_angle(track, "knee", side) == pytest.approx(angles, abs=1e-3)


def test_low_visibility_is_not_a_measurement():
    track = track_from_knee_angles(np.full(5, 120.0))
    track.landmarks[2, LANDMARK["left_ankle"], 3] = 0.1
    knee = joint_angle(track, "knee", "left")
    assert np.isnan(knee[2])
    assert not np.isnan(knee[[0, 1, 3, 4]]).any()


def test_torso_upright_is_zero_lean():
    track = track_from_knee_angles(np.full(3, 170.0))
    assert torso_lean_deg(track) == pytest.approx(np.zeros(3), abs=1e-3)


def test_interpolate_fills_short_inner_gaps_only():
    x = np.array([np.nan, 1.0, np.nan, 3.0, np.nan, np.nan, np.nan, np.nan, 8.0, np.nan])
    out = interpolate_gaps(x, max_gap=2)
    assert out[2] == pytest.approx(2.0)
    assert np.isnan(out[[0, 4, 5, 6, 7, 9]]).all()  # edges and the 4-long gap stay NaN


def test_smooth_has_no_lag_and_keeps_nan():
    t = np.linspace(0, 4 * np.pi, 200)
    x = np.cos(t)
    x[100] = np.nan
    y = smooth(x, 9)
    assert np.isnan(y[100])
    # A centred filter keeps the extremes where they are (a causal one would shift them).
    assert np.nanargmin(y[:100]) == np.argmin(x[:100])
    assert np.nanmax(np.abs(y - x)) < 0.02
