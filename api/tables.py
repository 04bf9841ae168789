"""Piccolo tables: the schema of the API spec, plus a few additive result columns.

Table names follow the spec (``users``, ``analysis_sessions`` …); primary keys are UUIDs.
Every foreign key to a user or a result cascades on delete, as the spec's DDL says; the
references to ``exercises`` do not (deleting an exercise must not erase history).
"""

from piccolo.columns import (
    JSON,
    UUID,
    BigInt,
    Boolean,
    ForeignKey,
    Integer,
    Numeric,
    OnDelete,
    Text,
    Timestamptz,
    Varchar,
)
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.table import Table

SESSION_STATUSES = ("pending", "processing", "completed", "failed")


class User(Table, tablename="users"):
    id = UUID(primary_key=True)
    email = Varchar(length=255, unique=True, null=False)
    username = Varchar(length=100, unique=True, null=False)
    password_hash = Varchar(length=255, null=False)
    first_name = Varchar(length=100, null=True, default=None)
    last_name = Varchar(length=100, null=True, default=None)
    profile_image_url = Text(null=True, default=None)
    fitness_level = Varchar(length=20, null=True, default=None)  # beginner|intermediate|advanced
    goals = Text(null=True, default=None)  # the person's own words, at most 500 characters
    created_at = Timestamptz(default=TimestamptzNow())
    updated_at = Timestamptz(default=TimestamptzNow())
    last_login = Timestamptz(null=True, default=None)
    is_active = Boolean(default=True)
    role = Varchar(length=20, default="user")


class Exercise(Table, tablename="exercises"):
    id = UUID(primary_key=True)
    name = Varchar(length=100, unique=True, null=False)
    category = Varchar(length=50, null=False)
    description = Text(null=True, default=None)
    icon = Varchar(length=10, null=True, default=None)
    is_popular = Boolean(default=False)
    created_at = Timestamptz(default=TimestamptzNow())
    updated_at = Timestamptz(default=TimestamptzNow())


class AnalysisSession(Table, tablename="analysis_sessions"):
    id = UUID(primary_key=True)
    user_id = ForeignKey(references=User, on_delete=OnDelete.cascade, index=True)
    exercise_id = ForeignKey(references=Exercise, on_delete=OnDelete.no_action)
    exercise_name = Varchar(length=100, null=False)
    video_url = Text(null=False)
    video_duration = Numeric(digits=(10, 2), null=True, default=None)
    file_size = BigInt(null=True, default=None)
    mime_type = Varchar(length=100, null=True, default=None)
    status = Varchar(length=20, default="pending", index=True)
    created_at = Timestamptz(default=TimestamptzNow(), index=True)
    started_at = Timestamptz(null=True, default=None)
    completed_at = Timestamptz(null=True, default=None)
    error_message = Text(null=True, default=None)
    error_code = Varchar(length=50, null=True, default=None)
    # Storage URLs of what the analysis drew (null until stored; see api/media.py).
    pose_url = Text(null=True, default=None)
    thumbnail_url = Text(null=True, default=None)
    processed_video_url = Text(null=True, default=None)


class AnalysisResult(Table, tablename="analysis_results"):
    id = UUID(primary_key=True)
    session_id = ForeignKey(references=AnalysisSession, on_delete=OnDelete.cascade, index=True)
    # Null when the set could not be rated (unrated_reason says why); never a stand-in 0.
    overall_score = Numeric(digits=(3, 1), null=True, default=None)
    total_frames = Integer(null=False)
    processing_time = Numeric(digits=(10, 2), null=True, default=None)
    created_at = Timestamptz(default=TimestamptzNow())
    # Additive to the spec: what a user needs to trust the result.
    exercise = Varchar(length=100, null=True, default=None)
    rep_count = Integer(null=True, default=None)
    coach = Varchar(length=100, null=True, default=None)
    summary = Text(null=True, default=None)
    reps = JSON(default="[]")
    details = JSON(default="{}")
    unrated_reason = Text(null=True, default=None)


class FormIssue(Table, tablename="form_issues"):
    id = UUID(primary_key=True)
    result_id = ForeignKey(references=AnalysisResult, on_delete=OnDelete.cascade, index=True)
    issue_type = Varchar(length=100, null=False)
    severity = Varchar(length=20, null=False)
    frame_start = Integer(null=False)
    frame_end = Integer(null=False)
    coaching_cue = Text(null=False)
    confidence_score = Numeric(digits=(3, 2), null=True, default=None)
    position = Integer(default=0)  # keeps the report's order
    created_at = Timestamptz(default=TimestamptzNow())
    details = JSON(default="{}")  # reps, share, measured, rule (tools.report.Issue)


class Metric(Table, tablename="metrics"):
    id = UUID(primary_key=True)
    result_id = ForeignKey(references=AnalysisResult, on_delete=OnDelete.cascade, index=True)
    metric_name = Varchar(length=100, null=False)
    actual_value = Varchar(length=50, null=False)
    target_value = Varchar(length=50, null=False)
    status = Varchar(length=20, null=False)
    position = Integer(default=0)  # keeps the report's order
    created_at = Timestamptz(default=TimestamptzNow())
    details = JSON(default="{}")  # value, unit (tools.report.Metric)


class Strength(Table, tablename="strengths"):
    id = UUID(primary_key=True)
    result_id = ForeignKey(references=AnalysisResult, on_delete=OnDelete.cascade, index=True)
    strength_text = Text(null=False)
    position = Integer(default=0)  # keeps the report's order
    created_at = Timestamptz(default=TimestamptzNow())


class Recommendation(Table, tablename="recommendations"):
    id = UUID(primary_key=True)
    result_id = ForeignKey(references=AnalysisResult, on_delete=OnDelete.cascade, index=True)
    recommendation_text = Text(null=False)
    priority = Integer(default=1)
    created_at = Timestamptz(default=TimestamptzNow())


class UserProgress(Table, tablename="user_progress"):
    id = UUID(primary_key=True)
    user_id = ForeignKey(references=User, on_delete=OnDelete.cascade)
    exercise_id = ForeignKey(references=Exercise, on_delete=OnDelete.no_action)
    exercise_name = Varchar(length=100, null=False)
    average_score = Numeric(digits=(3, 1), null=True, default=None)
    total_analyses = Integer(default=0)
    unrated_analyses = Integer(default=0)  # completed but not rated: outside the average
    last_analysis_date = Timestamptz(null=True, default=None)
    improvement_trend = Varchar(length=20, null=True, default=None)
    created_at = Timestamptz(default=TimestamptzNow())
    updated_at = Timestamptz(default=TimestamptzNow())


class RevokedToken(Table, tablename="revoked_tokens"):
    """A logged-out token's ``jti``, kept until the token would have expired anyway."""

    jti = Varchar(length=64, primary_key=True)
    user_id = UUID(null=True, default=None)
    expires_at = Timestamptz(null=False, index=True)


class RateLimitCounter(Table, tablename="rate_limit_counters"):
    """Requests counted in one fixed window, shared by every server process."""

    key = Varchar(length=200, primary_key=True)  # scope:identity:window
    count = Integer(default=0)
    expires_at = Timestamptz(null=False, index=True)


TABLES = [
    User,
    Exercise,
    AnalysisSession,
    AnalysisResult,
    FormIssue,
    Metric,
    Strength,
    Recommendation,
    UserProgress,
    RevokedToken,
    RateLimitCounter,
]
