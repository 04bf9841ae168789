"""Pose extraction with MediaPipe Pose and the PoseTrack container.

This is the only module that imports mediapipe, and only inside extract_pose_track, so importing
tools.pose (for PoseTrack) stays cheap.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np

from tools.landmarks import LANDMARK, N_LANDMARKS
from tools.video import PROCESSING_ERROR, VideoError, VideoInfo, iter_frames, probe_video

__all__ = ["LANDMARK", "PoseTrack", "extract_pose_track"]

# Inference cost and accuracy barely depend on input size, but decoding + resizing inside
# MediaPipe does; frames larger than this (e.g. 4K) are shrunk first.
MAX_INFERENCE_SIDE = 1280

ProgressFn = Callable[[int, int], None]


@dataclass
class PoseTrack:
    """Per-frame pose landmarks of one video.

    Attributes:
        landmarks: (n, 33, 4) float32 normalised image x, y, z and visibility; NaN where no pose.
        world: (n, 33, 4) float32 world landmarks in metres (hip-centred) x, y, z and
            visibility; NaN where no pose.
        timestamps_ms: (n,) float64 frame timestamps in milliseconds.
        fps: Frame rate of the source video.
        width: Frame width in pixels (upright).
        height: Frame height in pixels (upright).
    """

    landmarks: np.ndarray
    world: np.ndarray
    timestamps_ms: np.ndarray
    fps: float
    width: int
    height: int

    @property
    def n_frames(self) -> int:
        """Number of frames in the track."""
        return int(self.landmarks.shape[0])

    @property
    def detected(self) -> np.ndarray:
        """Boolean mask (n,) of frames where a pose was found."""
        return ~np.isnan(self.landmarks[:, 0, 0])

    @property
    def times_s(self) -> np.ndarray:
        """Frame timestamps in seconds."""
        return self.timestamps_ms / 1000.0

    @classmethod
    def empty(cls, n: int, fps: float, width: int, height: int) -> PoseTrack:
        """Builds an all-NaN track of n frames with timestamps from fps."""
        nan = np.full((n, N_LANDMARKS, 4), np.nan, dtype=np.float32)
        return cls(
            landmarks=nan,
            world=nan.copy(),
            timestamps_ms=np.arange(n, dtype=np.float64) * 1000.0 / fps,
            fps=float(fps),
            width=int(width),
            height=int(height),
        )

    def to_dict(self) -> dict:
        """Returns the arrays and metadata as a dict (arrays stay numpy arrays)."""
        return {
            "landmarks": self.landmarks,
            "world": self.world,
            "timestamps_ms": self.timestamps_ms,
            "fps": self.fps,
            "width": self.width,
            "height": self.height,
        }

    @classmethod
    def from_dict(cls, data: dict) -> PoseTrack:
        """Inverse of to_dict; also accepts a loaded npz mapping."""
        return cls(
            landmarks=np.asarray(data["landmarks"], dtype=np.float32),
            world=np.asarray(data["world"], dtype=np.float32),
            timestamps_ms=np.asarray(data["timestamps_ms"], dtype=np.float64),
            fps=float(data["fps"]),
            width=int(data["width"]),
            height=int(data["height"]),
        )

    def save_npz(self, path: str | Path) -> None:
        """Saves the track to a compressed .npz file (for caching)."""
        np.savez_compressed(path, **self.to_dict())

    @classmethod
    def load_npz(cls, path: str | Path) -> PoseTrack:
        """Loads a track written by save_npz."""
        with np.load(path) as data:
            return cls.from_dict({k: data[k] for k in data.files})


def downscale_for_inference(frame: np.ndarray, max_side: int = MAX_INFERENCE_SIDE) -> np.ndarray:
    """Shrinks a frame so its longer side is at most max_side (aspect kept; small ones as is)."""
    h, w = frame.shape[:2]
    scale = max_side / max(h, w)
    if scale >= 1.0:
        return frame
    size = (max(1, round(w * scale)), max(1, round(h * scale)))
    return cv2.resize(frame, size, interpolation=cv2.INTER_AREA)


def _fill(dst: np.ndarray, landmark_list) -> None:
    for j, lm in enumerate(landmark_list.landmark):
        dst[j] = (lm.x, lm.y, lm.z, lm.visibility)


def extract_pose_track(
    path: str | Path,
    info: VideoInfo | None = None,
    on_progress: ProgressFn | None = None,
    progress_every: int | None = None,
) -> PoseTrack:
    """Runs MediaPipe Pose (full model, video mode) over every frame of a video.

    Frames are streamed, so memory stays bounded whatever the video length. One Pose object is
    used for the whole call (its tracker needs consecutive frames) and closed at the end.

    Args:
        path: Path of the video file.
        info: Result of probe_video, if already known.
        on_progress: Called as on_progress(frames_done, frames_total) periodically and once at
            the end. frames_total is the container's frame count (an estimate).
        progress_every: Frames between progress calls; default is about 2 % of the video.

    Returns:
        The pose track; frames without a detected person are NaN.

    Raises:
        VideoError: From probing, or PROCESSING_ERROR if MediaPipe fails.
    """
    import mediapipe as mp  # Lazy: loading mediapipe costs ~1 s and ~100 MB.

    info = info or probe_video(path)
    total = info.frame_count
    every = progress_every or max(1, total // 50)
    # The container's count can be off by a few frames; grow the buffers if needed.
    cap = total + 16
    image = np.full((cap, N_LANDMARKS, 4), np.nan, dtype=np.float32)
    world = np.full((cap, N_LANDMARKS, 4), np.nan, dtype=np.float32)
    times = np.zeros(cap, dtype=np.float64)
    n = 0
    pose = mp.solutions.pose.Pose(
        static_image_mode=False,
        model_complexity=1,  # The only model bundled in the 0.10.21 wheel (works offline).
        smooth_landmarks=True,
        min_detection_confidence=0.5,
        min_tracking_confidence=0.5,
    )
    try:
        for index, ts_ms, rgb in iter_frames(path, info):
            if index >= image.shape[0]:
                grow = np.full_like(image, np.nan)
                image = np.concatenate([image, grow])
                world = np.concatenate([world, grow.copy()])
                times = np.concatenate([times, np.zeros(grow.shape[0])])
            result = pose.process(downscale_for_inference(rgb))
            times[index] = ts_ms
            if result.pose_landmarks is not None:
                _fill(image[index], result.pose_landmarks)
            if result.pose_world_landmarks is not None:
                _fill(world[index], result.pose_world_landmarks)
            n = index + 1
            if on_progress is not None and n % every == 0:
                on_progress(n, max(total, n))
    except VideoError:
        raise
    except Exception as exc:  # MediaPipe raises RuntimeError/ValueError with no common base.
        raise VideoError(PROCESSING_ERROR, f"pose estimation failed: {exc}") from exc
    finally:
        pose.close()
    if on_progress is not None:
        on_progress(n, n)
    return PoseTrack(
        landmarks=image[:n],
        world=world[:n],
        timestamps_ms=times[:n],
        fps=info.fps,
        width=info.width,
        height=info.height,
    )
