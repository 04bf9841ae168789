"""Video probing errors and frame streaming on small generated files."""

import cv2
import numpy as np
import pytest

from tools.video import MAX_DURATION_S, VideoError, iter_frames, probe_video


def write_video(path, n_frames=12, fps=10, size=(64, 48)):
    writer = cv2.VideoWriter(str(path), cv2.VideoWriter_fourcc(*"mp4v"), fps, size)
    for i in range(n_frames):
        frame = np.zeros((size[1], size[0], 3), np.uint8)
        frame[..., 2] = 200  # red in BGR
        frame[0, 0, 0] = i
        writer.write(frame)
    writer.release()
    return path


def test_text_file_renamed_mp4_is_unsupported(tmp_path):
    bogus = tmp_path / "notes.mp4"
    bogus.write_text("this is not a video\n" * 50)
    with pytest.raises(VideoError) as err:
        probe_video(bogus)
    assert err.value.code == "UNSUPPORTED_FORMAT"
    assert err.value.message


def test_missing_file_is_unsupported(tmp_path):
    with pytest.raises(VideoError) as err:
        probe_video(tmp_path / "nope.mp4")
    assert err.value.code == "UNSUPPORTED_FORMAT"


def test_probe_reads_properties(tmp_path):
    info = probe_video(write_video(tmp_path / "ok.mp4"))
    assert (info.width, info.height) == (64, 48)
    assert info.fps == pytest.approx(10.0)
    assert info.frame_count == 12
    assert info.duration_s == pytest.approx(1.2)
    assert info.rotation == 0
    assert info.to_dict()["codec"] == info.codec


def test_too_long_video_is_a_validation_error(tmp_path, monkeypatch):
    monkeypatch.setattr("tools.video.MAX_DURATION_S", 1.0)
    with pytest.raises(VideoError) as err:
        probe_video(write_video(tmp_path / "long.mp4", n_frames=20))
    assert err.value.code == "VALIDATION_ERROR"
    assert "2.0 s" in err.value.message
    assert MAX_DURATION_S == 300.0


def test_iter_frames_streams_rgb_with_monotonic_timestamps(tmp_path):
    path = write_video(tmp_path / "ok.mp4")
    frames = list(iter_frames(path))
    assert [i for i, _, _ in frames] == list(range(12))
    stamps = [t for _, t, _ in frames]
    assert stamps == pytest.approx([i * 100.0 for i in range(12)])
    rgb = frames[0][2]
    assert rgb.shape == (48, 64, 3)
    assert rgb[10, 10, 0] > 150 and rgb[10, 10, 2] < 60  # red arrives in channel 0 (RGB)


def test_iter_frames_stride(tmp_path):
    path = write_video(tmp_path / "ok.mp4")
    assert [i for i, _, _ in iter_frames(path, stride=5)] == [0, 5, 10]
