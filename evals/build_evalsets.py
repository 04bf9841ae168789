"""Builds the ADK evalsets from the real clips' findings (evals/data/findings.json).

    uv run python -m evals.build_evalsets

- evals/coach/coach.evalset.json: one case per clip. The session state holds the clip's
  findings (as the vision agent leaves them); the user message carries the same findings
  between the markers, so the metrics can check the report against them. The reference
  answer is the offline coach's report.
- evals/chat/chat.evalset.json: multi-turn conversations about those results (with an earlier
  clip of the same exercise as history where there is one). The reference tool trajectory and
  answers are what the offline chat model does today, so the offline run is a regression
  check and a Gemini run is measured against it.
- evals/*/test_config.json: criteria and the custom metrics (evals/metrics.py).
"""

from __future__ import annotations

import asyncio
import json
import sys
import uuid
from pathlib import Path

from google.adk.evaluation.eval_case import EvalCase, IntermediateData, Invocation, SessionInput
from google.adk.evaluation.eval_set import EvalSet
from google.genai import types

from agents.findings_format import embed_findings
from evals.metrics import THRESHOLDS

HERE = Path(__file__).resolve().parent
FINDINGS = HERE / "data" / "findings.json"

COACH_CRITERIA = {
    "response_match_score": 0.5,
    **{k: v for k, v in THRESHOLDS.items() if k != "chat_grounded_in_tools"},
}
CHAT_CRITERIA = {
    "tool_trajectory_avg_score": 0.9,
    "response_match_score": 0.5,
    "chat_grounded_in_tools": THRESHOLDS["chat_grounded_in_tools"],
}
JUDGE_CRITERIA = {  # Added by `biome eval --judge` when a Gemini key is set.
    "rubric_based_final_response_quality_v1": {
        "threshold": 0.7,
        "rubrics": [
            {
                "rubric_id": "grounded",
                "rubric_content": {
                    "text_property": "Every claim about the set is supported by the measurements."
                },
            },
            {
                "rubric_id": "actionable",
                "rubric_content": {
                    "text_property": "The advice tells the athlete concretely what to do."
                },
            },
        ],
    },
    "hallucinations_v1": {"threshold": 0.8},
}

# Conversations: (questions...) — each needs the data to answer (or to say it cannot).
CONVERSATIONS = [
    ("Why did I get this score?", "Which was my worst rep?", "How do I fix it?"),
    ("How did I do overall?", "Tell me about rep 1"),
    ("How does this compare with last time?", "Why did I get this score?"),
    ("What does rep duration mean?", "Tell me about rep 2"),
    ("Which was my best rep?", "Tell me about rep 99"),
    ("When did the problem happen?", "How do I fix it?"),
    ("What is this exercise and how do I do it?", "How did I do overall?"),
    ("What should I eat after training?", "Why did I get this score?"),
    ("Did I improve since last time?", "Which was my worst rep?"),
    ("How do I improve my form?", "What does consistency mean?"),
    ("Tell me about rep 3", "How did I do overall?", "How does this compare with last time?"),
    ("Why did I get this score?", "What is a good target for this exercise?"),
]


def _content(role: str, text: str) -> types.Content:
    return types.Content(role=role, parts=[types.Part(text=text)])


def _report(findings: dict) -> dict:
    from agents.offline_coach import build_offline_report
    from agents.pipeline import build_report

    return build_report(
        findings, build_offline_report(findings), coach="biome-offline-coach", processing_time=1.0
    )


def coach_cases(clips: dict[str, dict]) -> list[EvalCase]:
    from agents.offline_coach import build_offline_report

    cases = []
    for clip, findings in clips.items():
        stem = Path(clip).stem
        reference = json.dumps(build_offline_report(findings), ensure_ascii=False)
        cases.append(
            EvalCase(
                eval_id=f"coach_{stem}",
                conversation=[
                    Invocation(
                        invocation_id=f"coach-{stem}",
                        user_content=_content(
                            "user", f"Coach me on this set.\n{embed_findings(findings)}"
                        ),
                        final_response=_content("model", reference),
                        intermediate_data=IntermediateData(),
                    )
                ],
                session_input=SessionInput(
                    app_name="coach", user_id="eval", state={"vision_findings": findings}
                ),
            )
        )
    return cases


def _chat_state(clip: str, clips: dict[str, dict]) -> dict:
    findings = clips[clip]
    exercise = findings.get("exercise")
    earlier = [c for c in sorted(clips) if c < clip and clips[c].get("exercise") == exercise]
    sid = str(uuid.uuid5(uuid.NAMESPACE_URL, clip))

    def analysis(name: str, day: int) -> dict:
        return {
            "session": {
                "id": str(uuid.uuid5(uuid.NAMESPACE_URL, name)),
                "exerciseName": exercise,
                "createdAt": f"2026-11-{day:02d}T09:00:00Z",
            },
            "report": _report(clips[name]),
        }

    return {
        "analysis_session_id": sid,
        "exercise_name": exercise,
        "chat_data": {
            "analysis": analysis(clip, 20),
            "history": [analysis(earlier[-1], 10)] if earlier else [],
        },
    }


async def _run_offline(state: dict, questions: tuple[str, ...]) -> list[Invocation]:
    from google.adk.apps import App
    from google.adk.runners import Runner
    from google.adk.sessions import InMemorySessionService

    from agents.chat.agent import build_chat_agent

    service = InMemorySessionService()
    runner = Runner(
        app=App(name="chat", root_agent=build_chat_agent(model="biome-offline-chat")),
        session_service=service,
    )
    session = await service.create_session(app_name="chat", user_id="eval", state=state)
    invocations = []
    for n, question in enumerate(questions):
        tool_uses, tool_responses, final = [], [], None
        async for event in runner.run_async(
            user_id="eval", session_id=session.id, new_message=_content("user", question)
        ):
            tool_uses += event.get_function_calls()
            tool_responses += event.get_function_responses()
            if event.is_final_response() and event.content:
                final = event.content
        # Reference calls carry no ids (each run makes its own); copies, not the session's.
        tool_uses = [c.model_copy(update={"id": None}) for c in tool_uses]
        invocations.append(
            Invocation(
                invocation_id=f"turn-{n + 1}",
                user_content=_content("user", question),
                final_response=final,
                intermediate_data=IntermediateData(tool_uses=tool_uses),
            )
        )
    await runner.close()
    return invocations


async def chat_cases(clips: dict[str, dict]) -> list[EvalCase]:
    # Clips with reps and at least one issue make the richest conversations; others follow.
    ordered = sorted(clips, key=lambda c: (not clips[c].get("issues"), not clips[c].get("reps"), c))
    cases = []
    for n, questions in enumerate(CONVERSATIONS):
        clip = ordered[n % len(ordered)]
        state = _chat_state(clip, clips)
        cases.append(
            EvalCase(
                eval_id=f"chat_{n + 1:02d}_{Path(clip).stem}",
                conversation=await _run_offline(state, questions),
                session_input=SessionInput(app_name="chat", user_id="eval", state=state),
            )
        )
    return cases


def _config(criteria: dict) -> dict:
    custom = {
        name: {
            "code_config": {"name": f"evals.metrics.{name}"},
            "description": "See evals/metrics.py",
        }
        for name in criteria
        if name in THRESHOLDS
    }
    return {"criteria": criteria, "custom_metrics": custom}


def write(path: Path, eval_set: EvalSet, criteria: dict) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(eval_set.model_dump_json(indent=1, exclude_none=True) + "\n")
    config = path.parent / "test_config.json"
    config.write_text(json.dumps(_config(criteria), indent=1) + "\n")


def main() -> int:
    clips = json.loads(FINDINGS.read_text())
    coach = EvalSet(
        eval_set_id="biome_coaching", name="Coaching from real clips", eval_cases=coach_cases(clips)
    )
    chat = EvalSet(
        eval_set_id="biome_chat", name="Follow-up chat", eval_cases=asyncio.run(chat_cases(clips))
    )
    write(HERE / "coach" / "coach.evalset.json", coach, COACH_CRITERIA)
    write(HERE / "chat" / "chat.evalset.json", chat, CHAT_CRITERIA)
    print(
        f"coaching cases: {len(coach.eval_cases)}, chat cases: {len(chat.eval_cases)} "
        f"({sum(len(c.conversation) for c in chat.eval_cases)} turns)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
