"""The vision tools as ADK FunctionTools: declarations a model can act on, dicts back, errors as
dicts rather than exceptions, and the pose track passed by handle, never by value."""

from pathlib import Path

from google.adk.agents.invocation_context import InvocationContext
from google.adk.sessions import InMemorySessionService
from google.adk.tools.tool_context import ToolContext

from agents.vision import tools as vtools
from agents.vision.agent import build_vision_agent
from tests.videos import blank_video


def test_every_vision_tool_declares_its_parameters():
    declarations = {t.name: t._get_declaration() for t in vtools.vision_function_tools()}
    assert set(declarations) == {
        "probe_video_tool",
        "extract_pose_track_tool",
        "recognize_exercise_tool",
        "analyze_exercise_tool",
        "render_keyframes_tool",
    }
    for name, declaration in declarations.items():
        assert declaration.description, name
        # The ToolContext is ADK's to fill, never a model's.
        assert "tool_context" not in declaration.parameters_json_schema["properties"], name
    required = {n: d.parameters_json_schema["required"] for n, d in declarations.items()}
    assert required["probe_video_tool"] == ["video_path"]
    assert required["analyze_exercise_tool"] == ["exercise_name", "pose_track"]
    assert required["recognize_exercise_tool"] == ["pose_track"]  # the name is optional
    assert required["render_keyframes_tool"] == ["video_path", "pose_track", "output_dir"]


async def _tool_context() -> ToolContext:
    service = InMemorySessionService()
    session = await service.create_session(app_name="vision", user_id="u")
    ctx = InvocationContext(
        session_service=service,
        invocation_id="inv",
        agent=build_vision_agent(),
        session=session,
    )
    return ToolContext(ctx)


async def test_tools_report_what_went_wrong(tmp_path):
    tool_context = await _tool_context()
    missing = str(tmp_path / "missing.mp4")
    answer = await vtools.probe_video_tool(missing, tool_context)
    assert (answer["status"], answer["code"]) == ("error", "UNSUPPORTED_FORMAT")

    empty = str(blank_video(Path(tmp_path) / "empty.mp4", seconds=1))
    pose = await vtools.extract_pose_track_tool(empty, tool_context)
    assert pose["status"] == "ok"
    assert pose["pose"]["framesWithPose"] == 0 and pose["pose"]["frames"] == 10
    handle = pose["poseTrack"]
    assert tool_context.state["pose_track"] == handle

    result = await vtools.analyze_exercise_tool("squat", handle, tool_context)
    assert (result["status"], result["code"]) == ("error", "NO_PERSON_DETECTED")
    result = await vtools.recognize_exercise_tool(handle, tool_context)
    assert (result["status"], result["code"]) == ("error", "NO_PERSON_DETECTED")
    result = await vtools.analyze_exercise_tool("juggling", handle, tool_context)
    assert (result["status"], result["code"]) == ("error", "VALIDATION_ERROR")
    result = await vtools.render_keyframes_tool(empty, handle, str(tmp_path / "out"), tool_context)
    assert (result["status"], result["code"]) == ("error", "VALIDATION_ERROR")  # no findings yet

    vtools.release_track(handle)
    result = await vtools.analyze_exercise_tool("squat", handle, tool_context)
    assert (result["status"], result["code"]) == ("error", "VALIDATION_ERROR")
    assert "extract_pose_track_tool" in result["message"]
