"""Builds the ADK evalsets from the real clips' findings (evals/data/findings.json).

    uv run python -m evals.build_evalsets

- evals/coach/coach.evalset.json: one case per clip that has a hand-written reference report
  (evals/data/references.json, written and reviewed as a coach would from the clip's findings
  and frames). The session state holds the clip's findings (as the vision agent leaves them);
  the user message carries the findings the coach is shown between the markers, so the rubric
  metrics can check the report against them. The reference answer is the hand-written report,
  never a model's output.
- evals/chat/chat.evalset.json: multi-turn conversations about those results (with an earlier
  clip of the same exercise as history where there is one). The reference for each question is
  the tools a coach must consult to answer it (EXPECTED_TOOLS, written by hand: the worst rep is
  the one whose issues weigh most by the published severity penalties); the answers themselves
  are checked for numbers the tools did not return.
- evals/*/test_config.json: criteria and the custom metrics (evals/metrics.py).
"""

from __future__ import annotations

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

REFERENCES = HERE / "data" / "references.json"
CHAT_METRICS = ("chat_grounded_in_tools", "chat_tools_used")

COACH_CRITERIA = {
    # Wording close to the hand-written reference (ROUGE-1); the rubric metrics judge content.
    "response_match_score": 0.3,
    **{k: v for k, v in THRESHOLDS.items() if k not in CHAT_METRICS},
}
CHAT_CRITERIA = {k: THRESHOLDS[k] for k in CHAT_METRICS}
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


# Published severity penalties (agents/chat/tools.py's formula, restated): the worst rep is the
# one whose issues weigh most, the best the one whose weigh least; ties go to the earlier rep.
PENALTY = {"minor": 1.5, "moderate": 3.0, "severe": 5.0}


def _ranked_rep(findings: dict, best: bool) -> int | None:
    weight = {int(r["index"]): 0.0 for r in findings.get("reps") or []}
    for issue in findings.get("issues") or []:
        for rep in issue.get("reps") or []:
            if rep in weight:
                weight[rep] += PENALTY.get(str(issue.get("severity")), 1.5)
    if not weight:
        return None
    if best:
        return min(weight, key=lambda r: (weight[r], r))
    worst = max(weight, key=lambda r: (weight[r], -r))
    return worst if weight[worst] > 0 else None


def expected_tools(question: str, findings: dict) -> list[tuple[str, dict]]:
    """The tools a coach must consult to answer a question (names; "a|b" = either), by hand."""
    q = question.lower()
    if "eat" in q:
        return []  # Outside the analysis: no tool can answer it.
    if "compare" in q or "last time" in q:
        return [("compare_with_history", {})]
    if "worst rep" in q or "best rep" in q:
        rep = _ranked_rep(findings, best="best" in q)
        if rep is None and "worst" in q and findings.get("reps"):
            return [("get_score_breakdown", {})]  # No rep lost points: nothing to look up.
        if rep is None:
            return [("get_score_breakdown", {})]
        return [("get_score_breakdown", {}), ("get_rep", {"rep_number": rep})]
    if q.startswith("tell me about rep"):
        return [("get_rep", {"rep_number": int(q.rsplit(" ", 1)[-1].rstrip("?"))})]
    if "fix" in q or "improve my form" in q or "when did" in q:
        return [("get_fault_frames|get_analysis_result", {})]
    if "score" in q:
        return [("get_score_breakdown", {})]
    if "mean" in q or "exercise" in q or "target" in q:
        return [("describe_exercise", {})]
    if "overall" in q:
        return [("get_analysis_result", {})]
    raise ValueError(f"no expected tools written for {question!r}")


def _content(role: str, text: str) -> types.Content:
    return types.Content(role=role, parts=[types.Part(text=text)])


def _report(findings: dict) -> dict:
    from agents.offline_coach import build_offline_report
    from agents.pipeline import build_report

    return build_report(
        findings, build_offline_report(findings), coach="biome-offline-coach", processing_time=1.0
    )


def coach_cases(clips: dict[str, dict], references: dict[str, dict]) -> list[EvalCase]:
    cases = []
    for clip, entry in references.items():
        findings = clips[clip]
        stem = Path(clip).stem
        reference = json.dumps(entry["report"], ensure_ascii=False)
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


def _call(name: str, args: dict) -> types.FunctionCall:
    return types.FunctionCall(name=name, args=args)


def chat_invocations(questions: tuple[str, ...], findings: dict) -> list[Invocation]:
    return [
        Invocation(
            invocation_id=f"turn-{n + 1}",
            user_content=_content("user", question),
            intermediate_data=IntermediateData(
                tool_uses=[_call(name, args) for name, args in expected_tools(question, findings)]
            ),
        )
        for n, question in enumerate(questions)
    ]


def chat_cases(clips: dict[str, dict]) -> list[EvalCase]:
    # Clips with reps and at least one issue make the richest conversations; others follow.
    ordered = sorted(clips, key=lambda c: (not clips[c].get("issues"), not clips[c].get("reps"), c))
    cases = []
    for n, questions in enumerate(CONVERSATIONS):
        clip = ordered[n % len(ordered)]
        state = _chat_state(clip, clips)
        cases.append(
            EvalCase(
                eval_id=f"chat_{n + 1:02d}_{Path(clip).stem}",
                conversation=chat_invocations(questions, clips[clip]),
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
    references = json.loads(REFERENCES.read_text())
    missing = sorted(set(references) - set(clips))
    if missing:
        raise SystemExit(f"references for clips without findings: {missing}")
    coach = EvalSet(
        eval_set_id="biome_coaching",
        name="Coaching from real clips, against hand-written references",
        eval_cases=coach_cases(clips, references),
    )
    chat = EvalSet(eval_set_id="biome_chat", name="Follow-up chat", eval_cases=chat_cases(clips))
    write(HERE / "coach" / "coach.evalset.json", coach, COACH_CRITERIA)
    write(HERE / "chat" / "chat.evalset.json", chat, CHAT_CRITERIA)
    print(
        f"coaching cases: {len(coach.eval_cases)}, chat cases: {len(chat.eval_cases)} "
        f"({sum(len(c.conversation) for c in chat.eval_cases)} turns)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
