"""A live set, one frame's landmarks at a time: phase, angle, reps, cues and set-up guidance.

    live = LiveAnalyser(exercise)
    answer = live.push(t_ms, landmarks, world)   # {"phase", "angle", "repCount", "events"}
    track = live.track()                          # the whole set, for tools.analysis

Everything is measured with the upload path's own parts, so a set coached live and the same set
uploaded agree: the primary signal (tools.signals), the hysteresis counter (tools.reps) and,
when it sees a new rep, the full analysis (tools.analysis.analyze_track: main subject, posture
guard, rep measurements, the exercise's fault rules) on the frames so far. A rep is announced
when that analysis has one more rep than was announced, with its measurements and its faults;
tools.cues picks what to say. The counter runs on the whole prefix each frame (a few ms for a
few minutes of frames) rather than as a separate streaming state machine: the batch counter's
thresholds adapt to the person's range and its smoothing is zero-phase, and a second
implementation would drift from it.
Set-up guidance comes from tools.view (camera view, body in frame) on the last second.
"""

from __future__ import annotations

import numpy as np

from tools.analysis import analyze_track
from tools.cues import CuePolicy
from tools.drills import for_issue
from tools.exercises import Exercise
from tools.landmarks import N_LANDMARKS
from tools.pose import PoseTrack
from tools.reps import count_reps
from tools.signals import SIGNALS, condition
from tools.view import body_in_frame, detect_view

# Set-up guidance looks at this much of the latest footage, and is re-read this often.
SETUP_WINDOW_S = 1.0
SETUP_EVERY_S = 0.5
# Until the frame times say otherwise.
DEFAULT_FPS = 30.0
FEET = ("ankle", "heel", "foot_index")
VIEW_WORDS = {
    "side": "Turn side-on to the camera so depth can be measured.",
    "front": "Face the camera so knee tracking and balance can be measured.",
    "rear": "Turn your back to the camera so knee tracking can be measured.",
}


class LiveAnalyser:
    """The state of one live set (one exercise, frames in capture order)."""

    def __init__(self, exercise: Exercise, width: int = 0, height: int = 0):
        self.exercise = exercise
        self.width, self.height = width, height
        self._lm: list[np.ndarray] = []
        self._world: list[np.ndarray] = []
        self._t: list[float] = []
        self._raw: list[float] = []
        self._counted = 0  # reps the bare counter saw (cheap trigger for the full analysis)
        self.rep_count = 0  # reps announced
        self.policy = CuePolicy()
        self._setup_said: str | None = None
        self._setup_at = -1e9

    @property
    def n_frames(self) -> int:
        return len(self._t)

    def fps(self) -> float:
        """Frames per second measured from the capture times (DEFAULT_FPS until 2 frames)."""
        if len(self._t) < 2:
            return DEFAULT_FPS
        span = (self._t[-1] - self._t[0]) / 1000.0
        return (len(self._t) - 1) / span if span > 0 else DEFAULT_FPS

    def track(self, start: int = 0) -> PoseTrack:
        """The frames from `start` on as a PoseTrack (landmarks NaN where nobody was found)."""
        empty = np.empty((0, N_LANDMARKS, 4), np.float32)
        t = np.asarray(self._t[start:], dtype=np.float64)
        return PoseTrack(
            landmarks=np.stack(self._lm[start:]) if self._lm[start:] else empty,
            world=np.stack(self._world[start:]) if self._world[start:] else empty,
            timestamps_ms=t - (self._t[0] if self._t else 0.0),
            fps=self.fps(),
            width=self.width,
            height=self.height,
        )

    def push(self, t_ms: float, landmarks: np.ndarray | None, world: np.ndarray | None) -> dict:
        """Adds one frame and says what it shows.

        Args:
            t_ms: Capture time in milliseconds (increasing).
            landmarks: (33, 4) normalised image x, y, z, visibility, or None (nobody found).
            world: (33, 4) world landmarks in metres, or None.

        Returns:
            {"phase": "setup" | "top" | "lowering" | "bottom" | "rising" | None,
             "angle": the primary signal in this frame (None when not measured),
             "repCount": reps so far, "events": [{"type": "setup" | "rep" | "cue" |
             "praise", ...}] in the order to send them}.
        """
        nan = np.full((N_LANDMARKS, 4), np.nan, np.float32)
        self._lm.append(nan if landmarks is None else np.asarray(landmarks, np.float32))
        self._world.append(nan if world is None else np.asarray(world, np.float32))
        self._t.append(float(t_ms))
        self._raw.append(self._angle_now())
        events: list[dict] = []
        smooth = self._smooth()
        if self.exercise.profile.mode == "reps":
            events.extend(self._reps(smooth))
        if self.rep_count == 0:
            events.extend(self._setup())
        angle = self._raw[-1]
        return {
            "phase": self._phase(smooth),
            "angle": None if np.isnan(angle) else round(float(angle), 1),
            "repCount": self.rep_count,
            "events": events,
        }

    def _angle_now(self) -> float:
        one = PoseTrack(
            landmarks=self._lm[-1][None],
            world=self._world[-1][None],
            timestamps_ms=np.zeros(1),
            fps=DEFAULT_FPS,
            width=self.width,
            height=self.height,
        )
        raw, _ = SIGNALS[self.exercise.profile.signal](one)
        return float(raw[0])

    def _smooth(self) -> np.ndarray:
        return condition(np.asarray(self._raw, dtype=np.float64), self.fps())

    def _reps(self, smooth: np.ndarray) -> list[dict]:
        p = self.exercise.profile
        counted = len(
            count_reps(
                smooth,
                np.asarray(self._t) / 1000.0,
                low=p.low,
                high=p.high,
                direction=p.direction,
                min_duration_s=p.min_rep_s,
            )
        )
        if counted <= self._counted:
            return []
        self._counted = counted
        return self.confirm()

    def confirm(self) -> list[dict]:
        """Runs the upload analysis on the frames so far; announces the reps it adds."""
        findings = analyze_track(self.track(), self.exercise)
        events: list[dict] = []
        for rep in findings["reps"][self.rep_count :]:
            self.rep_count += 1
            number = self.rep_count
            events.append({"type": "rep", "number": number, "measurements": rep})
            message = self.policy.after_rep(number, self._faults(findings, number))
            if message is not None:
                events.append(message)
        return events

    def _faults(self, findings: dict, rep: int) -> list[dict]:
        """The rep's faults in the cue policy's shape; the text is the drill's short cue."""
        faults = []
        for issue in findings["issues"]:
            if rep not in issue.get("reps", []):
                continue
            drill = for_issue(self.exercise, issue.get("rule") or issue["type"])
            faults.append(
                {
                    "issueType": issue["type"],
                    "severity": issue["severity"],
                    "confidence": issue.get("confidenceScore"),
                    "text": drill["cue"] if drill else issue["coachingCue"],
                }
            )
        return faults

    def _phase(self, smooth: np.ndarray) -> str | None:
        """Where in the rep the latest frame is, from the exercise's zones and the slope."""
        if self.exercise.profile.mode != "reps":
            return None
        s = smooth[-3:]
        if np.isnan(s[-1]):
            return "setup" if self.rep_count == 0 else None
        p = self.exercise.profile
        sign = 1.0 if p.direction == "down" else -1.0
        v, rest, work = (
            sign * s[-1],
            sign * (p.high if sign > 0 else p.low),
            sign * (p.low if sign > 0 else p.high),
        )
        if v >= rest:
            return "top"
        if v <= work:
            return "bottom"
        if len(s) < 2 or np.isnan(s[0]):
            return None
        return "lowering" if sign * (s[-1] - s[0]) < 0 else "rising"

    def _setup(self) -> list[dict]:
        """Set-up guidance on the last second, when it changes (at most every SETUP_EVERY_S)."""
        now = self._t[-1]
        if now - self._setup_at < SETUP_EVERY_S * 1000:
            return []
        self._setup_at = now
        start = max(0, self.n_frames - int(round(SETUP_WINDOW_S * self.fps())))
        kind, message = setup_advice(self.track(start), self.exercise)
        if message == self._setup_said:
            return []
        self._setup_said = message
        return [{"type": "setup", "kind": kind, "message": message}]


def setup_advice(window: PoseTrack, exercise: Exercise) -> tuple[str, str]:
    """(kind, message) for the person getting ready: what to change before starting, if any.

    kind is "no_person", "body_out_of_frame", "view" or "ready", from the same view and
    body-in-frame reading as uploads (tools.view).
    """
    if window.n_frames == 0 or window.detected.mean() < 0.5:
        return "no_person", "Step into the picture so your whole body is visible."
    view = detect_view(window)
    body = body_in_frame(window, exercise.profile.joints, view["view"])
    if not body["ok"]:
        if any(m.endswith(FEET) for m in body["missing"]):
            return "body_out_of_frame", "Step back, your feet are out of frame."
        parts = ", ".join(m.replace("_", " ") for m in body["missing"][:3]) or "some joints"
        return "body_out_of_frame", f"Step back or move the camera: your {parts} are out of frame."
    views = exercise.profile.views
    if view["view"] not in ("unknown", *views) and views[0] in VIEW_WORDS:
        return "view", VIEW_WORDS[views[0]]
    return "ready", f"Ready: start your {exercise.name.lower()} when you like."
