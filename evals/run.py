"""`biome eval`: runs the coaching and chat evalsets through ADK's evaluator and prints scores.

    uv run --group eval biome eval                 # every suite, offline metrics
    uv run --group eval biome eval --suite chat
    uv run --group eval biome eval --suite adversarial   # the grounding's precision and recall
    GOOGLE_API_KEY=... uv run --group eval biome eval --judge   # adds judge metrics

Without a Gemini key the agents run on the offline models, and the metrics that need a judge
model are left out. The coaching cases are scored by a hand-written rubric against references
written by hand (evals/rubric.py, evals/data/references.json); the adversarial suite runs the
hand-labelled outputs of evals/data/adversarial.json through the real grounding and prints its
precision and recall. Exit status 1 when any metric is below its threshold (see
evals/*/test_config.json; 0.95 for the adversarial figures), so CI fails on a coaching-quality
regression. The same evalsets run with ADK's CLI:

    uv run --group eval adk eval agents/coach evals/coach/coach.evalset.json \\
        --config_file_path evals/coach/test_config.json
"""

from __future__ import annotations

import asyncio
import csv
import json
import logging
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
SUITES = {
    "coach": ("agents.coach", HERE / "coach" / "coach.evalset.json"),
    "chat": ("agents.chat", HERE / "chat" / "chat.evalset.json"),
}


def _scores(path: Path) -> dict[str, dict]:
    metrics: dict[str, dict] = {}
    with path.open() as handle:
        for row in csv.DictReader(handle):
            entry = metrics.setdefault(
                row["metric_name"], {"scores": [], "threshold": row["threshold"], "failed": 0}
            )
            if row["score"] not in ("", "None"):
                entry["scores"].append(float(row["score"]))
            entry["failed"] += row["eval_status"] == "FAILED"
    return metrics


def run_suite(name: str, judge: bool = False) -> tuple[bool, dict[str, dict], float]:
    """Runs one evalset; returns (passed, per-metric scores, seconds)."""
    from google.adk.evaluation.agent_evaluator import AgentEvaluator
    from google.adk.evaluation.eval_config import EvalConfig
    from google.adk.evaluation.eval_set import EvalSet

    from evals.build_evalsets import JUDGE_CRITERIA

    module, path = SUITES[name]
    config = json.loads((path.parent / "test_config.json").read_text())
    if judge:
        config["criteria"].update(JUDGE_CRITERIA)
    eval_config = EvalConfig.model_validate(config)
    eval_set = EvalSet.model_validate_json(path.read_text())
    started = time.perf_counter()
    passed = True
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "results.csv"
        try:
            asyncio.run(
                AgentEvaluator.evaluate_eval_set(
                    agent_module=module,
                    eval_set=eval_set,
                    eval_config=eval_config,
                    num_runs=1,
                    print_detailed_results=False,
                    output_file=str(out),
                )
            )
        except AssertionError:
            passed = False
        scores = _scores(out) if out.exists() else {}
    return passed, scores, time.perf_counter() - started


def main(suites: list[str] | None = None, judge: bool = False) -> int:
    from agents.gemini import gemini_configured

    logging.getLogger("google_adk").setLevel(logging.ERROR)
    if judge and not gemini_configured():
        print("biome eval: --judge needs GOOGLE_API_KEY or GEMINI_API_KEY; running offline only")
        judge = False
    ok = True
    for name in suites or [*SUITES, "adversarial"]:
        if name == "adversarial":
            from evals import adversarial

            ok = adversarial.main() == 0 and ok
            continue
        cases = len(json.loads(SUITES[name][1].read_text())["eval_cases"])
        passed, scores, seconds = run_suite(name, judge)
        ok = ok and passed
        print(f"\n{name}: {cases} cases, {seconds:.1f} s, {'PASSED' if passed else 'FAILED'}")
        for metric, entry in sorted(scores.items()):
            if entry["threshold"] in ("", "None"):
                continue  # ADK's default efficiency figures (call counts, durations).
            values = entry["scores"]
            mean = sum(values) / len(values) if values else float("nan")
            print(
                f"  {metric:<40} {mean:6.3f}  (threshold {entry['threshold']}, "
                f"{entry['failed']} of {len(values)} below)"
            )
    return 0 if ok else 1
