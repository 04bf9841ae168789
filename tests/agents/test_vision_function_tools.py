"""The vision tools as ADK FunctionTools: declarations a model can act on, dicts back, and
errors as dicts rather than exceptions."""

from pathlib import Path

from agents.vision.tools import vision_function_tools
from tests.videos import blank_video


def test_every_vision_tool_declares_its_parameters():
    declarations = {t.name: t._get_declaration() for t in vision_function_tools()}
    assert set(declarations) == {
        "probe_video_tool",
        "extract_pose_track_tool",
        "analyze_exercise_video",
        "render_keyframes_tool",
    }
    for name, declaration in declarations.items():
        assert declaration.description, name
        assert "video_path" in declaration.parameters_json_schema["required"], name
    schema = declarations["render_keyframes_tool"].parameters_json_schema
    assert schema["required"] == ["video_path", "exercise_name", "output_dir"]


def test_tools_report_what_went_wrong(tmp_path):
    tools = {t.name: t.func for t in vision_function_tools()}
    missing = str(tmp_path / "missing.mp4")
    assert tools["probe_video_tool"](missing)["code"] == "UNSUPPORTED_FORMAT"
    empty = str(blank_video(Path(tmp_path) / "empty.mp4", seconds=1))
    pose = tools["extract_pose_track_tool"](empty)
    assert pose["status"] == "ok"
    assert pose["pose"]["framesWithPose"] == 0 and pose["pose"]["frames"] == 10
    result = tools["analyze_exercise_video"](empty, "squat")
    assert (result["status"], result["code"]) == ("error", "NO_PERSON_DETECTED")
    result = tools["render_keyframes_tool"](empty, "juggling", str(tmp_path / "out"))
    assert (result["status"], result["code"]) == ("error", "VALIDATION_ERROR")
