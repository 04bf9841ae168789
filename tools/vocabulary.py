"""Names shared by the catalog, the signals and the rules, without heavy imports.

tools.exercises validates the catalog against these at import; the API imports that module, so
this one must stay free of numpy, OpenCV and mediapipe.
"""

from __future__ import annotations

CATEGORIES = ("Upper Body", "Lower Body", "Core", "Other")

# Camera views, as tools.view classifies them.
VIEWS = ("side", "front", "rear", "oblique")

# Each joint angle is measured at the middle landmark of the triple.
JOINTS: dict[str, tuple[str, str, str]] = {
    "knee": ("hip", "knee", "ankle"),
    "hip": ("shoulder", "hip", "knee"),
    "elbow": ("shoulder", "elbow", "wrist"),
    "shoulder": ("hip", "shoulder", "elbow"),
    "ankle": ("knee", "ankle", "foot_index"),
    # Straightness of the body in a plank or push-up (180 = straight line).
    "body_line": ("shoulder", "hip", "ankle"),
}

# Display label and unit of every named signal (tools.signals.SIGNALS has the functions).
SIGNAL_LABELS: dict[str, str] = {
    "knee_angle": "Knee Angle",
    "hip_angle": "Hip Angle",
    "elbow_angle": "Elbow Angle",
    "elbow_flexion": "Elbow Flexion",
    "front_knee_angle": "Front Knee Angle",
    "back_knee_angle": "Back Knee Angle",
    "body_line": "Body Line",
    "pull_height": "Pull Height",
    "shoulder_angle": "Shoulder Angle",
    "ankle_angle": "Ankle Angle",
    "torso_lean": "Torso Lean",
    "min_hip_angle": "Hip Angle",
    "max_hip_angle": "Hip Angle",
    "leg_spread": "Leg Spread",
}
SIGNAL_UNITS: dict[str, str] = {"pull_height": "%"}

# The joint whose landmarks each signal reads (for confidence, body-in-frame and drawing).
SIGNAL_JOINT: dict[str, str] = {
    "knee_angle": "knee",
    "hip_angle": "hip",
    "elbow_angle": "elbow",
    "elbow_flexion": "elbow",
    "front_knee_angle": "knee",
    "back_knee_angle": "knee",
    "body_line": "body_line",
    "pull_height": "elbow",
    "shoulder_angle": "shoulder",
    "ankle_angle": "ankle",
    "torso_lean": "hip",
    "min_hip_angle": "hip",
    "max_hip_angle": "hip",
    "leg_spread": "knee",
}
