"""The adversarial set: hand-written coach outputs run through the product's real grounding.

    uv run python -m evals.adversarial          # prints precision and recall; exit 1 below 0.95
    uv run python -m evals.adversarial --chat   # also the offline chat's answers (false positives)

evals/data/adversarial.json holds three scenarios (the findings a coach was shown: a 6-rep
squat, a real 6-rep push-up clip, a set with no complete rep), a grounded base report for each,
and cases: a sentence added to one field of the base report, labelled "fail" (the grounding
must flag it: repair, drop or reject) or "pass" (it must leave it alone), with the defect it
plants. Flagging a should-fail case is a true positive; precision and recall are over "fail".
The labels are a coach's judgement of the text, written by hand, not the checker's output.
"""

from __future__ import annotations

import copy
import json
import sys
from pathlib import Path

DATA = Path(__file__).resolve().parent / "data" / "adversarial.json"
THRESHOLD = 0.95


def load() -> dict:
    return json.loads(DATA.read_text())


def case_report(data: dict, case: dict) -> dict:
    """The scenario's base report with the case's text added to its field."""
    report = copy.deepcopy(data["base"][case["scenario"]])
    if case["field"] == "summary":
        report["summary"] = f"{report['summary']} {case['text']}"
    else:
        report[case["field"]].append(case["text"])
    return report


def run(data: dict | None = None) -> dict:
    """Runs every case; returns counts, precision, recall and the misjudged cases."""
    from agents.coach.grounding import check_coaching

    data = data or load()
    counts = {"tp": 0, "fp": 0, "fn": 0, "tn": 0}
    wrong = []
    for case in data["cases"]:
        findings = data["scenarios"][case["scenario"]]
        verdict = check_coaching(case_report(data, case), findings)
        flagged, should = verdict.flagged, case["label"] == "fail"
        key = ("t" if flagged == should else "f") + ("p" if flagged else "n")
        counts[key] += 1
        if flagged != should:
            why = "; ".join(verdict.problems + [e.reason for e in verdict.edits]) or "not flagged"
            wrong.append({**case, "why": why})
    flagged = counts["tp"] + counts["fp"]
    should = counts["tp"] + counts["fn"]
    return {
        **counts,
        "cases": len(data["cases"]),
        "precision": counts["tp"] / flagged if flagged else 1.0,
        "recall": counts["tp"] / should if should else 1.0,
        "wrong": wrong,
    }


def check_bases(data: dict | None = None) -> list[str]:
    """Scenarios whose base report is itself flagged (the set would be meaningless)."""
    from agents.coach.grounding import check_coaching

    data = data or load()
    return [
        name
        for name, report in data["base"].items()
        if check_coaching(copy.deepcopy(report), data["scenarios"][name]).flagged
    ]


def real_text_flagged() -> dict[str, tuple[int, int]]:
    """False positives on real text: how many of the offline coach's reports of the real clips,
    and of the hand-written references, the grounding flags (each should be 0)."""
    from agents.coach.grounding import check_coaching
    from agents.offline_coach import build_offline_report

    here = DATA.parent
    clips = json.loads((here / "findings.json").read_text())
    references = json.loads((here / "references.json").read_text())
    offline = sum(check_coaching(build_offline_report(f), f).flagged for f in clips.values())
    written = sum(
        check_coaching(copy.deepcopy(r["report"]), clips[c]).flagged for c, r in references.items()
    )
    return {"offline reports": (offline, len(clips)), "references": (written, len(references))}


async def _chat_flagged() -> tuple[int, int]:
    from google.adk.apps import App
    from google.adk.runners import Runner
    from google.adk.sessions import InMemorySessionService
    from google.genai import types

    from agents.chat.agent import build_chat_agent
    from agents.coach.grounding import Facts, check_reply
    from evals.build_evalsets import CONVERSATIONS, _chat_state

    clips = json.loads((DATA.parent / "findings.json").read_text())
    flagged = total = 0
    for clip in clips:
        service = InMemorySessionService()
        agent = build_chat_agent(model="biome-offline-chat")
        runner = Runner(app=App(name="chat", root_agent=agent), session_service=service)
        state = _chat_state(clip, clips)
        session = await service.create_session(app_name="chat", user_id="eval", state=state)
        for question in (q for conversation in CONVERSATIONS for q in conversation):
            message = types.Content(role="user", parts=[types.Part(text=question)])
            results, answer = [], ""
            async for event in runner.run_async(
                user_id="eval", session_id=session.id, new_message=message
            ):
                results += [dict(r.response or {}) for r in event.get_function_responses()]
                if event.is_final_response() and event.content:
                    answer = "".join(p.text or "" for p in event.content.parts or [])
            total += 1
            checked = check_reply(answer, Facts.from_tool_results(results, question))
            if checked.flagged:
                flagged += 1
                print(f"  flagged ({clip}, {question!r}): {checked.edits[0].reason}")
        await runner.close()
    return flagged, total


def chat_text_flagged() -> tuple[int, int]:
    """False positives on real chat text: the offline chat model's answers to every eval
    question about every clip, checked against each turn's tool results (about a minute)."""
    import asyncio
    import logging

    logging.getLogger("google_adk").setLevel(logging.ERROR)
    return asyncio.run(_chat_flagged())


def main(threshold: float = THRESHOLD, chat: bool = False) -> int:
    """Prints the figures; 1 when precision or recall is below the threshold."""
    bad_bases = check_bases()
    result = run()
    fails = result["tp"] + result["fn"]
    print(
        f"\nadversarial: {result['cases']} cases ({fails} should fail), "
        f"precision {result['precision']:.3f}, recall {result['recall']:.3f} "
        f"(threshold {threshold})"
    )
    print(f"  tp {result['tp']}  fp {result['fp']}  fn {result['fn']}  tn {result['tn']}")
    for case in result["wrong"]:
        print(f"  misjudged {case['id']} ({case['label']}, {case['defect']}): {case['text']!r}")
    for name in bad_bases:
        print(f"  base report {name!r} is flagged itself")
    for name, (flagged, total) in real_text_flagged().items():
        print(f"  real text flagged (false positives): {name} {flagged} of {total}")
    if chat:
        flagged, total = chat_text_flagged()
        print(f"  real text flagged (false positives): offline chat answers {flagged} of {total}")
    ok = result["precision"] >= threshold and result["recall"] >= threshold and not bad_bases
    print(f"  {'PASSED' if ok else 'FAILED'}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main(chat="--chat" in sys.argv))
