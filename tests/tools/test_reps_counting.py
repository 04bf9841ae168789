"""Hysteresis rep counter on synthetic series."""

import numpy as np
import pytest

from tools.reps import count_reps

FPS = 30.0


def times(n):
    return np.arange(n) / FPS


def sine_reps(n_reps, period_s=2.0, top=170.0, bottom=80.0, lead_s=0.5):
    """Starts and ends standing: cos dips between top and bottom."""
    lead = np.full(int(lead_s * FPS), top)
    t = np.arange(int(n_reps * period_s * FPS)) / FPS
    dips = bottom + (top - bottom) * (1 + np.cos(2 * np.pi * t / period_s)) / 2
    return np.concatenate([lead, dips, lead])


def test_clean_sine_counts_every_rep_with_bottoms():
    x = sine_reps(5)
    reps = count_reps(x, times(len(x)), low=120, high=150)
    assert len(reps) == 5
    assert [r.index for r in reps] == [1, 2, 3, 4, 5]
    for r in reps:
        assert r.start_frame < r.bottom_frame < r.end_frame
        assert r.bottom_value == pytest.approx(80.0, abs=0.5)
        assert r.duration_s == pytest.approx(r.end_time_s - r.start_time_s)


def test_noisy_sine_seeded():
    rng = np.random.default_rng(7)
    x = sine_reps(6) + rng.normal(0, 4.0, size=len(sine_reps(6)))
    assert len(count_reps(x, times(len(x)), low=120, high=150)) == 6


def test_jitter_at_thresholds_never_double_counts():
    # One rep whose descent and ascent both dither around each threshold many times.
    seg = [np.full(20, 170.0)]
    seg.append(np.tile([151.0, 149.0], 10))  # hovering at high on the way down
    seg.append(np.tile([121.0, 119.0], 10))  # hovering at low
    seg.append(np.full(15, 90.0))
    seg.append(np.tile([119.0, 121.0], 10))  # hovering at low on the way up
    seg.append(np.tile([149.0, 151.0], 10))  # hovering at high
    seg.append(np.full(20, 170.0))
    x = np.concatenate(seg)
    assert len(count_reps(x, times(len(x)), low=120, high=150)) == 1


def test_dips_too_small_for_the_band_are_not_reps():
    # 25 degrees of movement: half of it (the relaxed band) is under half the 30-degree band.
    x = sine_reps(3, bottom=145.0)
    assert count_reps(x, times(len(x)), low=120, high=150) == []


def test_partial_reps_at_clip_edges_are_not_counted():
    full = sine_reps(3)
    quarter = int(0.5 * 2.0 * FPS)  # half a period: starts/ends at the bottom
    starts_in_bottom = np.concatenate([sine_reps(1, lead_s=0)[quarter:], full])
    reps = count_reps(starts_in_bottom, times(len(starts_in_bottom)), low=120, high=150)
    assert len(reps) == 3
    ends_in_bottom = np.concatenate([full, sine_reps(1, lead_s=0)[:quarter]])
    assert len(count_reps(ends_in_bottom, times(len(ends_in_bottom)), low=120, high=150)) == 3


def test_short_nan_gap_inside_a_rep_is_bridged():
    x = sine_reps(2)
    x[40:50] = np.nan  # 0.33 s dropout during the first descent
    assert len(count_reps(x, times(len(x)), low=120, high=150)) == 2


def test_long_nan_gap_drops_the_rep_it_interrupts():
    x = sine_reps(3)
    t = times(len(x))
    # A 1.5 s dropout that covers the first bottom: that rep cannot be verified.
    x[int(0.9 * FPS) : int(2.4 * FPS)] = np.nan
    assert len(count_reps(x, t, low=120, high=150, max_gap_s=1.0)) == 2


def test_all_nan_gives_no_reps():
    x = np.full(100, np.nan)
    assert count_reps(x, times(100), low=120, high=150) == []


def test_up_direction_counts_rising_reps():
    x = 200.0 - sine_reps(4)  # rest low (30), peaks high (120)
    reps = count_reps(x, times(len(x)), low=50, high=80, direction="up")
    assert len(reps) == 4
    assert all(r.bottom_value == pytest.approx(120.0, abs=0.5) for r in reps)


def test_min_duration_discards_glitches():
    x = np.full(60, 170.0)
    x[30:33] = 90.0  # a 0.1 s spike
    assert count_reps(x, times(60), low=120, high=150, min_duration_s=0.3) == []


def test_invalid_thresholds():
    with pytest.raises(ValueError):
        count_reps(np.zeros(3), times(3), low=150, high=120)


def test_soft_lockout_below_the_rest_threshold_still_counts():
    # Tops at 140 never reach high=150 (elbows never read as locked); bottoms are deep.
    x = sine_reps(4, top=140.0, bottom=75.0)
    reps = count_reps(x, times(len(x)), low=120, high=150)
    assert len(reps) == 4


def test_shallow_but_large_reps_count_so_their_depth_can_be_judged():
    # 170 -> 115 never reaches low=100; a 55-degree movement is a rep (a shallow one).
    x = sine_reps(3, top=170.0, bottom=115.0)
    assert len(count_reps(x, times(len(x)), low=100, high=150)) == 3
    # The fixed thresholds still decide when the range is too small for a safe band.
    small = sine_reps(3, top=170.0, bottom=140.0)
    assert count_reps(small, times(len(small)), low=100, high=150) == []


def test_relaxed_thresholds_keep_a_band_that_noise_cannot_cross():
    rng = np.random.default_rng(3)
    # Standing still with 6-degree noise around 150: no reps, however the range is read.
    x = 150.0 + rng.normal(0, 6.0, size=600)
    assert count_reps(x, times(len(x)), low=120, high=150) == []
    # Reps with soft tops plus noise are neither lost nor doubled.
    y = sine_reps(5, top=138.0, bottom=80.0)
    y = y + rng.normal(0, 3.0, size=len(y))
    assert len(count_reps(y, times(len(y)), low=120, high=150)) == 5


def test_up_direction_relaxes_toward_its_own_range():
    x = 200.0 - sine_reps(3, top=170.0, bottom=125.0)  # rest 30, peaks 75 < high=80
    assert len(count_reps(x, times(len(x)), low=50, high=80, direction="up")) == 3
