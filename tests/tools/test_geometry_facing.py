"""Facing per frame follows turns but not one-frame flips; the knee is judged by its front."""

import numpy as np
import pytest

from tests.tools.synthetic_tracks import body_track
from tools.geometry import facing, facing_per_frame, knee_past_toe
from tools.landmarks import LANDMARK


def _mirror_nose(track, frames):
    """Moves the nose to the other side of the shoulders in the given frames."""
    nose, sh = LANDMARK["nose"], [LANDMARK["left_shoulder"], LANDMARK["right_shoulder"]]
    centre = track.landmarks[frames][:, sh, 0].mean(axis=1)
    track.landmarks[frames, nose, 0] = 2 * centre - track.landmarks[frames, nose, 0]


def test_a_single_flipped_frame_does_not_flip_the_facing():
    track = body_track(90)
    assert facing(track) == 1 and np.all(facing_per_frame(track) == 1)
    _mirror_nose(track, [40])  # head turned to the camera for one frame
    assert np.all(facing_per_frame(track) == 1)


def test_a_person_who_turns_round_is_followed():
    track = body_track(120)
    _mirror_nose(track, np.arange(60, 120))
    per_frame = facing_per_frame(track)
    assert np.all(per_frame[:45] == 1) and np.all(per_frame[75:] == -1)


def test_knee_past_toe_measures_the_front_of_the_knee():
    # Shin vertical: the knee's centre is over the ankle, 0.15 m behind the toes with a 0.43 m
    # shin (-0.35 shins); its front is KNEE_FRONT_SHINS (0.1) further forward: -0.25.
    track = body_track(30, shin=0.0)
    assert knee_past_toe(track, "left") == pytest.approx(np.full(30, -0.25), abs=0.02)
