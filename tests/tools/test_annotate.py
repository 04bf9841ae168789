"""The annotated video: H.264 yuv420p with its index first, one output frame per input frame,
the skeleton, the rep counter and the issues' labels drawn where they belong; and the thumbnail.
"""

from __future__ import annotations

import av
import cv2
import numpy as np
import pytest

from tools.annotate import (
    output_size,
    render_annotated_video,
    thumbnail_frame,
    write_thumbnail,
)
from tools.landmarks import LANDMARK
from tools.video import VideoError

W, H, FPS, N = 320, 240, 10, 30
GREY = 90


def grey_clip(path, n=N, size=(W, H)):
    writer = cv2.VideoWriter(str(path), cv2.VideoWriter_fourcc(*"mp4v"), FPS, size)
    for _ in range(n):
        writer.write(np.full((size[1], size[0], 3), GREY, np.uint8))
    writer.release()
    return path


def standing_pose(n=N, missing=()):
    """A figure whose hips are at (500, 500) ‰ and knees at (500, 700) ‰, fully visible."""
    frame = [0] * 99
    for name in ("left_hip", "right_hip"):
        frame[LANDMARK[name] * 3 : LANDMARK[name] * 3 + 3] = [500, 500, 9]
    for name in ("left_knee", "right_knee"):
        frame[LANDMARK[name] * 3 : LANDMARK[name] * 3 + 3] = [500, 700, 9]
    return {
        "fps": FPS,
        "width": W,
        "height": H,
        "frameCount": n,
        "connections": [],
        "frames": [None if i in missing else list(frame) for i in range(n)],
    }


def decoded(path):
    with av.open(str(path)) as container:
        stream = container.streams.video[0]
        name, pix = stream.codec_context.name, stream.codec_context.pix_fmt
        frames = [f.to_ndarray(format="rgb24") for f in container.decode(stream)]
    return name, pix, frames


@pytest.fixture
def rendered(tmp_path):
    clip = grey_clip(tmp_path / "in.mp4")
    reps = [{"index": 1, "startFrame": 0, "bottomFrame": 5, "endFrame": 9}]
    issues = [{"type": "knees caving", "severity": "severe", "frameStart": 20, "frameEnd": 29}]
    result = render_annotated_video(
        clip, standing_pose(missing={25}), reps, issues, tmp_path / "out.mp4"
    )
    return result


def test_it_is_h264_yuv420p_with_the_index_first(rendered):
    assert rendered.frames == N and (rendered.width, rendered.height) == (W, H)
    name, pix, frames = decoded(rendered.path)
    assert name == "h264" and pix == "yuv420p"
    assert len(frames) == N
    data = rendered.path.read_bytes()
    assert 0 < data.index(b"moov") < data.index(b"mdat")  # faststart


def test_the_skeleton_is_drawn_where_the_pose_is(rendered):
    _, _, frames = decoded(rendered.path)
    x, y = W // 2, int(H * 0.6)  # on the thigh, between hip and knee
    assert frames[3][y, x].mean() > 180  # the bone is light on the grey frame
    assert abs(int(frames[25][y, x].mean()) - GREY) < 25  # nobody in frame 25: nothing drawn


def test_the_rep_counter_and_the_issue_labels_follow_the_frames(rendered):
    _, _, frames = decoded(rendered.path)

    def red(frame):  # the severe label's colour, in the label rows
        band = frame[18:45, :200].astype(int)
        return int(((band[..., 0] > 160) & (band[..., 1] < 120) & (band[..., 2] < 110)).sum())

    assert red(frames[10]) == 0
    assert red(frames[22]) > 30
    # "Reps 0/1" then "Reps 1/1": the counter's rows change when the rep ends (frame 9).
    top = [f[:28, :160].astype(int) for f in frames]
    assert np.abs(top[2] - top[3]).sum() < np.abs(top[8] - top[12]).sum()


def test_frames_larger_than_the_cap_are_scaled_down_to_even_sizes():
    assert output_size(1920, 1080) == (960, 540)
    assert output_size(1080, 1920) == (540, 960)
    w, h = output_size(321, 241)
    assert w % 2 == h % 2 == 0 and abs(w - 321) == abs(h - 241) == 1
    assert output_size(640, 360) == (640, 360)


def test_stopping_leaves_no_file(tmp_path):
    clip = grey_clip(tmp_path / "in.mp4")
    out = tmp_path / "out.mp4"
    with pytest.raises(VideoError) as err:
        render_annotated_video(clip, standing_pose(), [], [], out, stop=lambda: True)
    assert err.value.code == "PROCESSING_ERROR"
    assert not out.exists()


def test_the_thumbnail_is_the_middle_rep_s_bottom_with_the_skeleton(tmp_path):
    clip = grey_clip(tmp_path / "in.mp4")
    pose = standing_pose()
    reps = [{"bottomFrame": b} for b in (4, 12, 20)]
    assert thumbnail_frame(pose, reps) == 12
    assert thumbnail_frame(standing_pose(missing=set(range(10))), []) == 20
    path = write_thumbnail(clip, pose, 12, tmp_path / "thumb.jpg")
    img = cv2.imread(str(path))
    assert img.shape[1] == 480 and img.shape[0] == 360
    assert img[int(360 * 0.6), 240].mean() > 180  # the thigh is drawn
