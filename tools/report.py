"""The report of one analysed set, as one typed model.

Findings (tools.analysis) become a `Report` in the pipeline (measured parts from the findings,
words from the coach); the API stores a `Report` in its tables and reads one back; the results
endpoint shows it as a `ResultsPayload`; the chat tools read the same `Report`; and the OpenAPI
schema of the results endpoint is generated from `ResultsPayload`. Field names are the API's
(camelCase, as the spec has them).

`overallScore` is None when the set could not be rated; `unratedReason` then says why.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

Severity = Literal["severe", "moderate", "minor"]
MetricStatus = Literal["good", "warning", "error"]
KeyframeKind = Literal["worst_rep", "fault", "hold"]

UNRATED_REASON = (
    "No complete repetition or held position was found in this video, so the form was not "
    "rated. Film the whole set with your full body in view."
)


class _Closed(BaseModel):
    """Ignores unknown input keys (findings carry more), shows exactly its fields in output."""

    model_config = ConfigDict(
        extra="ignore",
        json_schema_extra={"additionalProperties": False},
        json_schema_serialization_defaults_required=True,
    )


class _Open(BaseModel):
    """Keeps extra keys (per-rep measures, per-check details vary by exercise)."""

    model_config = ConfigDict(extra="allow", json_schema_serialization_defaults_required=True)


class Issue(_Closed):
    """One detected form issue: what, how bad, where, in which reps, what was measured."""

    type: str
    severity: Severity
    frameStart: int
    frameEnd: int
    coachingCue: str
    confidenceScore: float | None = Field(None, ge=0, le=1)
    reps: list[int] = Field(default_factory=list, description="1-based reps with this issue")
    share: float | None = Field(
        None, ge=0, le=1, description="Share of the counted reps with this issue; null for holds"
    )
    measured: dict[str, float | None] = Field(
        default_factory=dict, description="The measurement(s) behind the issue"
    )
    rule: str | None = Field(None, description="The form rule that reported it")


class Metric(_Closed):
    name: str
    actual: str
    target: str
    status: MetricStatus
    value: float | None = Field(None, description="The measured number behind `actual`")
    unit: str | None = None


class Check(_Open):
    """A form check: run ("done"), run with less certainty, or not possible (and why)."""

    name: str
    status: str
    reason: str | None = None


class Rep(_Open):
    """One counted repetition: frames, times and its per-rep measures (e.g. kneeAngleBottom)."""

    index: int
    startFrame: int | None = None
    endFrame: int | None = None
    bottomFrame: int | None = None
    startTime: float | None = None
    endTime: float | None = None
    durationS: float | None = None


class Video(_Open):
    """Probed video facts."""

    durationS: float | None = None
    fps: float | None = None
    frameCount: int | None = None
    width: int | None = None
    height: int | None = None
    rotation: int | None = None


class Camera(_Open):
    """Detected camera view, with guidance on what it can show."""

    view: str
    guidance: str | None = None


class BodyInFrame(_Open):
    """Whether the joints the exercise needs were in frame."""

    ok: bool
    guidance: str | None = None


class Hold(_Open):
    """Hold time (hold exercises)."""

    durationS: float | None = None


class RecognitionCandidate(_Closed):
    """One candidate exercise of the recognition, with its prototype score."""

    exerciseId: str
    exercise: str
    score: float = Field(ge=0, le=1)
    confidence: float = Field(ge=0, le=1)


class Recognition(_Closed):
    """Which exercise the movement looks like (tools.recognition), and whether the named one
    fits it."""

    exerciseId: str = Field(description="The recognised exercise")
    exercise: str
    confidence: float = Field(ge=0, le=1)
    sure: bool = Field(description="False: the best guess is close to the runner-up or weak")
    candidates: list[RecognitionCandidate] = Field(description="The top three, best first")
    named: str | None = Field(None, description="The exercise the person named, if any")
    namedScore: float | None = Field(
        None, description="How well the named exercise fits (0-1); null when it cannot be checked"
    )
    checked: bool = Field(False, description="Whether the named exercise could be checked")
    mismatch: bool = Field(
        False, description="The named exercise does not fit the movement: not judged as it"
    )
    analysedAs: str | None = Field(None, description="The exercise id the set was analysed as")
    message: str = ""


class Series(_Closed):
    """The primary angle over time, for plotting."""

    signal: str
    label: str | None = None
    unit: str
    fps: float
    frames: list[int]
    values: list[float | None]


class _KeyframeBase(_Closed):
    kind: KeyframeKind
    frame: int
    rep: int | None = None
    issueType: str | None = None
    label: str | None = None
    angle: float | None = None
    width: int | None = None
    height: int | None = None


class Keyframe(_KeyframeBase):
    """A frame worth drawing; `file` (drawn by the worker) and `key` (in storage) travel inside."""

    file: str | None = None
    key: str | None = None


class KeyframeView(_KeyframeBase):
    """A keyframe as the API shows it."""

    url: str | None = Field(None, description="Signed link to the JPEG; expires")


class Report(_Closed):
    """The report of one set: what the pipeline returns and what the tables hold."""

    exercise: str | None = None
    coach: str | None = Field(None, description="The model that wrote the coaching")
    overallScore: float | None = Field(
        None, ge=0, le=10, description="The measured form score; null when not rated"
    )
    unratedReason: str | None = Field(None, description="Why the set was not rated")
    totalFrames: int = 0
    processingTime: float = 0.0
    repCount: int | None = None
    reps: list[Rep] = Field(default_factory=list)
    issues: list[Issue] = Field(default_factory=list)
    metrics: list[Metric] = Field(default_factory=list)
    strengths: list[str] = Field(default_factory=list)
    recommendations: list[str] = Field(default_factory=list)
    summary: str | None = None
    video: Video | None = None
    checks: list[Check] = Field(default_factory=list)
    notices: list[str] = Field(default_factory=list)
    camera: Camera | None = None
    bodyInFrame: BodyInFrame | None = None
    subject: dict[str, Any] | None = None
    hold: Hold | None = None
    keyframes: list[Keyframe] = Field(default_factory=list)
    series: Series | None = None
    recognition: Recognition | None = None


def score_of(findings: dict) -> tuple[float | None, str | None]:
    """(score 0–10 rounded to 0.1, None) when the findings rate the set, else (None, why)."""
    score = findings.get("score")
    if isinstance(score, int | float) and not isinstance(score, bool):
        return round(min(10.0, max(0.0, float(score))), 1), None
    return None, str(findings.get("scoreNote") or UNRATED_REASON)


def issues_of(findings: dict) -> list[Issue]:
    """The findings' issues with each one's share of the counted reps."""
    rep_count = findings.get("repCount") or 0
    out = []
    for raw in findings.get("issues") or []:
        reps = sorted({int(r) for r in raw.get("reps") or []})
        share = round(min(1.0, len(reps) / rep_count), 2) if rep_count and reps else None
        out.append(Issue.model_validate({**raw, "reps": reps, "share": share}))
    return out


def report_from_findings(findings: dict, **coaching: Any) -> Report:
    """A Report of the measured parts of the findings, plus the given coaching fields.

    Args:
        findings: The vision findings (camelCase dict from tools.analysis).
        **coaching: Report fields written by the coach or the pipeline (coach, summary,
            strengths, recommendations, notices, processingTime, issues with cues ...).
    """
    score, why = score_of(findings)
    measured = {
        "exercise": findings.get("exercise"),
        "overallScore": score,
        "unratedReason": why,
        "totalFrames": findings.get("totalFrames") or 0,
        "repCount": findings.get("repCount"),
        "reps": findings.get("reps") or [],
        "issues": issues_of(findings),
        "metrics": findings.get("metrics") or [],
        "video": findings.get("video") or None,
        "checks": findings.get("checks") or [],
        **{
            k: findings.get(k)
            for k in (
                "camera",
                "bodyInFrame",
                "subject",
                "hold",
                "keyframes",
                "series",
                "recognition",
            )
            if findings.get(k) is not None
        },
    }
    # The analysis's own notices (reps not counted, a mismatched exercise) come first.
    notices = [*(findings.get("notices") or []), *(coaching.get("notices") or [])]
    return Report.model_validate({**measured, **coaching, "notices": list(dict.fromkeys(notices))})


class SessionView(_Closed):
    id: str
    exerciseName: str
    videoUrl: str | None = Field(None, description="Signed link to the video; expires")
    processedVideoUrl: str | None = Field(
        None,
        description="Signed link to the annotated H.264 video (processed.mp4); expires. Null "
        "until it is drawn (after the result) or when it could not be",
    )
    thumbnailUrl: str | None = Field(None, description="Signed link to the thumbnail; expires")
    createdAt: str = Field(json_schema_extra={"format": "date-time"})


class ResultView(_Closed):
    overallScore: float | None = Field(
        None, ge=0, le=10, description="The measured form score; null when the set was not rated"
    )
    unratedReason: str | None = Field(None, description="Why the set was not rated (else null)")
    totalFrames: int
    processingTime: float = Field(description="Seconds")
    repCount: int | None = None
    exercise: str | None = None
    coach: str | None = Field(None, description="The model that wrote the coaching")
    summary: str | None = None
    video: Video | None = None
    camera: Camera | None = None
    bodyInFrame: BodyInFrame | None = None
    hold: Hold | None = None
    recognition: Recognition | None = None


class ResultsPayload(_Closed):
    """The `data` of GET /analysis/sessions/{id}/results."""

    session: SessionView
    result: ResultView
    issues: list[Issue]
    metrics: list[Metric]
    strengths: list[str]
    recommendations: list[str]
    reps: list[Rep]
    checks: list[Check]
    notices: list[str]
    keyframes: list[KeyframeView]


RESULT_FIELDS = tuple(ResultView.model_fields)


def results_payload(
    session: dict, report: Report, keyframe_url: Callable[[Keyframe], str | None] | None = None
) -> ResultsPayload:
    """The results endpoint's view of a report.

    Args:
        session: SessionView's fields (id, exerciseName, videoUrl, createdAt).
        report: The report.
        keyframe_url: The link a keyframe is shown with (a signed link to its stored JPEG, a
            file URI in the CLI); without it keyframes have no url.
    """
    return ResultsPayload(
        session=SessionView.model_validate(session),
        result=ResultView.model_validate(
            {k: getattr(report, k) for k in RESULT_FIELDS if hasattr(report, k)}
        ),
        issues=report.issues,
        metrics=report.metrics,
        strengths=report.strengths,
        recommendations=report.recommendations,
        reps=report.reps,
        checks=report.checks,
        notices=report.notices,
        keyframes=[
            KeyframeView(
                **k.model_dump(exclude={"file", "key"}),
                url=keyframe_url(k) if keyframe_url else None,
            )
            for k in report.keyframes
        ],
    )
