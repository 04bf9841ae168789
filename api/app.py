"""The Starlette application: routes, error handlers and the lifespan that owns the workers."""

from __future__ import annotations

import contextlib
import logging

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.middleware.cors import CORSMiddleware
from starlette.middleware.gzip import GZipMiddleware
from starlette.routing import Mount, Route, WebSocketRoute
from starlette.staticfiles import StaticFiles

from api.analysis import AnalysisRunner, relay_pipeline_event
from api.config import Settings, get_settings
from api.db import migrate, seed_exercises, start_engine, stop_engine
from api.errors import EXCEPTION_HANDLERS
from api.events import EventBroker
from api.jobs import LocalJobQueue
from api.live import LivePool
from api.middleware import RequestContextMiddleware
from api.openapi import docs, docs_init, generate, openapi_json, swagger_assets_dir
from api.ratelimit import RateLimitMiddleware
from api.routes import (
    admin,
    analysis,
    auth,
    chat,
    exercises,
    files,
    health,
    live,
    media,
    progress,
    timeline,
    user,
    webapp,
    ws,
)
from api.scratch import claim as claim_scratch
from api.storage import Storage
from api.workers import WorkerPool

log = logging.getLogger("biome")

# Every route declares its operation (@operation next to the handler); see api/openapi.py.
v1 = [
    Route("/auth/register", auth.register, methods=["POST"]),
    Route("/auth/login", auth.login, methods=["POST"]),
    Route("/auth/logout", auth.logout, methods=["POST"]),
    Route("/exercises", exercises.list_exercises, methods=["GET"]),
    Route("/exercises/categories", exercises.list_categories, methods=["GET"]),
    Route("/analysis/upload", analysis.upload, methods=["POST"]),
    Route("/analysis/sessions", analysis.list_sessions, methods=["GET"]),
    Route("/analysis/sessions/{session_id}", analysis.get_session, methods=["GET"]),
    Route("/analysis/sessions/{session_id}", analysis.delete_session, methods=["DELETE"]),
    Route("/analysis/sessions/{session_id}/results", analysis.get_results, methods=["GET"]),
    Route("/analysis/sessions/{session_id}/series", analysis.get_series, methods=["GET"]),
    Route("/analysis/sessions/{session_id}/reanalyze", analysis.reanalyze, methods=["POST"]),
    Route("/analysis/sessions/{session_id}/pose", media.get_pose, methods=["GET"]),
    Route("/analysis/sessions/{session_id}/recording", live.attach_recording, methods=["POST"]),
    Route("/analysis/sessions/{session_id}/chat", chat.ask, methods=["POST"]),
    Route("/analysis/sessions/{session_id}/chat", chat.conversation, methods=["GET"]),
    Route("/progress/summary", progress.summary, methods=["GET"]),
    Route("/progress/exercises", progress.exercises, methods=["GET"]),
    Route("/progress/timeline", timeline.timeline, methods=["GET"]),
    Route("/user/profile", user.get_profile, methods=["GET"]),
    Route("/user/profile", user.put_profile, methods=["PUT"]),
    Route("/user/export", user.export, methods=["GET"]),
    Route("/user", user.delete_user, methods=["DELETE"]),
    Route("/admin/users", admin.list_users, methods=["GET"]),
    Route("/admin/users/{user_id}", admin.update_user, methods=["PATCH"]),
    Route("/admin/stats", admin.stats, methods=["GET"]),
    Route("/files/{key:path}", files.download, methods=["GET"]),
    Route("/health", health.health, methods=["GET"]),
    WebSocketRoute("/ws/analysis/{session_id}", ws.analysis_events),
    WebSocketRoute("/ws/analysis/{session_id}/chat", chat.chat_socket),
    WebSocketRoute("/ws/live", live.live_socket),
]

routes = [
    Mount("/v1", routes=v1),
    Route("/health", health.health, methods=["GET"]),
    # The spec's WebSocket URL has no version prefix; /v1/ws/... above serves the same.
    WebSocketRoute("/ws/analysis/{session_id}", ws.analysis_events),
    WebSocketRoute("/ws/analysis/{session_id}/chat", chat.chat_socket),
    WebSocketRoute("/ws/live", live.live_socket),
    # The contract and its browser (Swagger UI's files come from a wheel: no CDN).
    Route("/openapi.json", openapi_json, methods=["GET"], include_in_schema=False),
    Route("/docs", docs, methods=["GET"], include_in_schema=False),
    Route("/docs/init.js", docs_init, methods=["GET"], include_in_schema=False),
    Mount("/docs/assets", StaticFiles(directory=swagger_assets_dir()), name="docs-assets"),
    # The web app (api/webapp, built from web/): its hashed bundle, and index.html for every
    # other GET so that deep links open the app. Last: everything above keeps its meaning.
    Mount("/assets", app=webapp.AssetFiles(), name="webapp-assets"),
    Route("/{path:path}", webapp.page, methods=["GET"], include_in_schema=False),
]


def create_app(settings: Settings | None = None) -> Starlette:
    settings = settings or get_settings()

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette):
        state = app.state
        await start_engine()
        await migrate()
        await seed_exercises()
        state.settings = settings
        state.storage = Storage(settings.storage_url)
        state.broker = EventBroker()
        # This process's temporary files; what a killed process left is removed first.
        state.scratch = claim_scratch(settings.tmp_dir, settings.upload_timeout_s + 300)
        # Live sessions have their own processes: they never wait behind uploads.
        state.live = LivePool()
        state.pool = WorkerPool(settings.workers, relay_pipeline_event(state.broker))
        runner = AnalysisRunner(state.storage, state.pool, state.broker, state.scratch.path)
        state.runner = runner
        state.jobs = LocalJobQueue(runner.process, concurrency=settings.workers)
        await state.pool.start()
        await state.jobs.start()
        for session_id, owner in await runner.unfinished():
            log.info("resuming session %s left unfinished by an earlier run", session_id)
            await state.jobs.submit(session_id, owner)
        # Annotated videos a stop interrupted (drawn after the result, in this process).
        await runner.media.resume()
        try:
            yield
        finally:
            # Running analyses get a short grace, then go back to pending for the next start.
            await state.jobs.stop(settings.shutdown_grace_s)
            await state.pool.stop()
            await runner.media.stop()
            state.scratch.close()
            await stop_engine()

    middleware = [
        # Outermost: every response, even a 429 or a 500, gets its request id and headers.
        Middleware(RequestContextMiddleware),
        Middleware(
            CORSMiddleware,
            allow_origins=list(settings.cors_origins),
            allow_methods=["GET", "POST", "PUT", "PATCH", "DELETE"],
            allow_headers=["Authorization", "Content-Type", "X-Request-ID", "X-Requested-With"],
            expose_headers=[
                "X-Request-ID",
                "X-RateLimit-Limit",
                "X-RateLimit-Remaining",
                "X-RateLimit-Reset",
                "Retry-After",
                "Content-Disposition",
            ],
            max_age=600,
        ),
        Middleware(RateLimitMiddleware),
        # JSON, HTML and the bundle; video, pictures, partial and pre-compressed responses
        # pass as they are (Starlette's exclusions). No cookies carry credentials here, so
        # compressing a secret next to reflected input (BREACH) has nothing to leak.
        Middleware(GZipMiddleware, minimum_size=1024, compresslevel=6),
    ]
    app = Starlette(
        routes=routes,
        middleware=middleware,
        exception_handlers=EXCEPTION_HANDLERS,
        lifespan=lifespan,
    )
    app.state.settings = settings
    # Generated once per app; an undeclared route fails here, at start-up, not in production.
    app.state.openapi = generate(routes)
    return app
