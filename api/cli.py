"""The ``biome`` command: ``serve`` runs the service, ``analyze`` runs one video offline."""

from __future__ import annotations

import argparse
import datetime as dt
import json
import logging
import sys
import uuid
from pathlib import Path


def _serve(args: argparse.Namespace) -> int:
    import uvicorn

    from api.app import create_app
    from api.logs import configure

    configure(logging.INFO)  # JSON lines, each with its request id
    uvicorn.run(
        create_app(),
        host=args.host,
        port=args.port,
        log_config=None,
        access_log=False,
        server_header=False,
        # A socket message is one small JSON question (api/parsing.py refuses > 64 kB with an
        # error event); a frame past this is not even buffered: the socket closes with 1009.
        ws_max_size=256 * 1024,
        # On SIGTERM, requests still open after this long (a slow upload) are cut, so the
        # lifespan can hand running analyses back and the process exits promptly.
        timeout_graceful_shutdown=5,
    )
    return 0


def _set_role(args: argparse.Namespace) -> int:
    """Make an account admin (or user again): the way the first administrator is made."""
    import asyncio

    async def run() -> int:
        from api.db import migrate, start_engine, stop_engine
        from api.tables import User

        await start_engine()
        try:
            await migrate()
            rows = (
                await User.update({User.role: args.role})
                .where(User.email == args.email.lower())
                .returning(User.id)
            )
        finally:
            await stop_engine()
        if not rows:
            print(f"biome: no account with email {args.email}", file=sys.stderr)
            return 1
        print(f"{args.email} is now {args.role}")
        return 0

    return asyncio.run(run())


def _print_report(payload: dict) -> None:
    result = payload["result"]
    if result["overallScore"] is None:
        rating = f"not rated: {result['unratedReason']}"
    else:
        rating = f"score {result['overallScore']}/10"
    print(f"{result['exercise']}: {result['repCount']} reps, {rating}")
    if recognition := result.get("recognition"):
        runners = ", ".join(
            f"{c['exercise']} {c['confidence']:.0%}" for c in recognition["candidates"][1:]
        )
        sure = "" if recognition["sure"] else ", not sure"
        print(
            f"recognised: {recognition['exercise']} ({recognition['confidence']:.0%}{sure}; "
            f"then {runners})"
        )
    print(
        f"coach: {result['coach']}   frames: {result['totalFrames']}   "
        f"processing: {result['processingTime']} s"
    )
    if result.get("summary"):
        print(f"\n{result['summary']}")
    if payload["reps"]:
        print("\nReps:")
        for rep in payload["reps"]:
            angles = ", ".join(
                f"{k} {v}" for k, v in rep.items() if k.endswith(("Angle", "AngleBottom"))
            )
            print(f"  {rep['index']}. {rep['startTime']}–{rep['endTime']} s  {angles}")
    if payload["metrics"]:
        print("\nMetrics:")
        for m in payload["metrics"]:
            print(f"  [{m['status']:>7}] {m['name']}: {m['actual']} (target {m['target']})")
    print("\nIssues:" if payload["issues"] else "\nNo form issues detected.")
    for i in payload["issues"]:
        print(
            f"  [{i['severity']}] {i['type']} (frames {i['frameStart']}–{i['frameEnd']}, "
            f"confidence {i['confidenceScore']}): {i['coachingCue']}"
        )
    for title, items in (
        ("Strengths", payload["strengths"]),
        ("Recommendations", payload["recommendations"]),
    ):
        if items:
            print(f"\n{title}:")
            for n, item in enumerate(items, 1):
                print(f"  {n}. {item}")
    for notice in payload["notices"]:
        print(f"\nNote: {notice}")


def _analyze(args: argparse.Namespace) -> int:
    from agents.pipeline import AnalysisError, analyze_video
    from api.results import results_payload

    path = Path(args.path)
    if not path.is_file():
        print(f"biome: no such file: {path}", file=sys.stderr)
        return 2
    try:
        report = analyze_video(str(path), args.exercise, artifacts_dir=args.keyframes)
    except AnalysisError as exc:
        print(f"biome: {exc.code}: {exc.message}", file=sys.stderr)
        return 1
    folder = Path(args.keyframes).resolve() if args.keyframes else None
    session = {
        "id": str(uuid.uuid4()),
        "exerciseName": report["exercise"],
        "videoUrl": path.resolve().as_uri(),
        "createdAt": dt.datetime.now(dt.UTC).isoformat().replace("+00:00", "Z"),
    }
    payload = results_payload(
        session,
        report,
        lambda keyframe: (folder / keyframe.file).as_uri() if folder and keyframe.file else None,
    )
    if args.json:
        json.dump(payload, sys.stdout, ensure_ascii=False, indent=2)
        print()
    else:
        _print_report(payload)
    return 0


def _eval(args: argparse.Namespace) -> int:
    try:
        from evals.run import main as run_evals
    except ModuleNotFoundError as exc:
        print(f"biome: {exc}; the evals need the eval group: uv sync --group eval", file=sys.stderr)
        return 2
    return run_evals(args.suite or None, judge=args.judge)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="biome", description="Biome, the AI form coach")
    commands = parser.add_subparsers(dest="command", required=True)

    serve = commands.add_parser("serve", help="run the API service")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8000)
    serve.set_defaults(run=_serve)

    analyze = commands.add_parser("analyze", help="analyse one video without the server")
    analyze.add_argument("path", help="video file (MP4, MOV, AVI, WebM)")
    analyze.add_argument(
        "--exercise",
        default="",
        help='e.g. "squat", "push-up"; without it the exercise is recognised from the movement',
    )
    analyze.add_argument("--json", action="store_true", help="print the results endpoint's data")
    analyze.add_argument(
        "--keyframes", metavar="DIR", help="draw the keyframes (skeleton and angle) as JPEGs here"
    )
    analyze.set_defaults(run=_analyze)

    role = commands.add_parser("set-role", help="make an account admin (or user)")
    role.add_argument("email")
    role.add_argument("role", choices=["admin", "user"])
    role.set_defaults(run=_set_role)

    evals = commands.add_parser(
        "eval", help="run the coaching and chat evals (ADK) and the grounding's adversarial set"
    )
    evals.add_argument("--suite", action="append", choices=["coach", "chat", "adversarial"])
    evals.add_argument("--judge", action="store_true", help="add judge metrics (needs a key)")
    evals.set_defaults(run=_eval)

    args = parser.parse_args(argv)
    return args.run(args)


if __name__ == "__main__":
    sys.exit(main())
