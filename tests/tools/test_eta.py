"""The time estimate counts the frames that will be processed and follows measured speed."""

from tools.eta import (
    FIXED_S,
    PRIOR_FPS,
    clip_frames,
    frames_per_second,
    remaining_seconds,
)


def test_a_five_minute_60fps_clip_is_estimated_from_its_frames():
    # Issue 11: 244 s estimated, 624 s taken for 18,000 frames.
    frames = clip_frames(18_000, 300.0)
    estimate = remaining_seconds(frames)
    assert 0.8 * 624 <= estimate <= 1.25 * 624
    # Twice the frame rate is twice the frame work.
    assert remaining_seconds(clip_frames(9_000, 300.0)) - FIXED_S == (estimate - FIXED_S) / 2


def test_duration_only_containers_assume_a_common_rate():
    assert clip_frames(None, 10.0) == 300
    assert clip_frames(0, None) == 0


def test_measured_throughput_takes_over_from_the_prior():
    assert frames_per_second(0, 0.0) == PRIOR_FPS
    # Early on, a few slow frames move the estimate only part of the way ...
    early = frames_per_second(10, 1.0)  # 10 frames/s measured
    assert 10 < early < PRIOR_FPS
    # ... and with thousands of frames measured, the measurement is the throughput.
    late = frames_per_second(6_000, 600.0)
    assert abs(late - 10.0) < 0.3
    # A faster machine is followed too.
    assert abs(frames_per_second(6_000, 100.0) - 60.0) < 3


def test_the_estimate_falls_as_frames_complete_and_never_goes_negative():
    fps = frames_per_second(3_000, 100.0)
    first = remaining_seconds(18_000, 3_000, fps)
    later = remaining_seconds(18_000, 12_000, fps)
    assert later < first
    assert remaining_seconds(18_000, 18_000, fps) == FIXED_S
    assert remaining_seconds(100, 500, fps) == FIXED_S
