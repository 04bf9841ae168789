"""The Starlette application: routes, error handlers and the lifespan that owns the workers."""

from __future__ import annotations

import contextlib
import logging

from starlette.applications import Starlette
from starlette.routing import Mount, Route, WebSocketRoute

from api.analysis import AnalysisRunner, relay_pipeline_event
from api.config import Settings, get_settings
from api.db import migrate, seed_exercises, start_engine, stop_engine
from api.errors import EXCEPTION_HANDLERS
from api.events import EventBroker
from api.jobs import LocalJobQueue
from api.routes import analysis, auth, exercises, health, ws
from api.storage import Storage
from api.workers import WorkerPool

log = logging.getLogger("biome")

v1 = [
    Route("/auth/register", auth.register, methods=["POST"]),
    Route("/auth/login", auth.login, methods=["POST"]),
    Route("/exercises", exercises.list_exercises, methods=["GET"]),
    Route("/exercises/categories", exercises.list_categories, methods=["GET"]),
    Route("/analysis/upload", analysis.upload, methods=["POST"]),
    Route("/analysis/sessions/{session_id}", analysis.get_session, methods=["GET"]),
    Route("/analysis/sessions/{session_id}/results", analysis.get_results, methods=["GET"]),
    Route("/health", health.health, methods=["GET"]),
    WebSocketRoute("/ws/analysis/{session_id}", ws.analysis_events),
]

routes = [
    Mount("/v1", routes=v1),
    Route("/health", health.health, methods=["GET"]),
    # The spec's WebSocket URL has no version prefix; /v1/ws/... above serves the same.
    WebSocketRoute("/ws/analysis/{session_id}", ws.analysis_events),
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
        state.pool = WorkerPool(settings.workers, relay_pipeline_event(state.broker))
        runner = AnalysisRunner(state.storage, state.pool, state.broker, settings.tmp_dir)
        state.runner = runner
        state.jobs = LocalJobQueue(runner.process, concurrency=settings.workers)
        await state.pool.start()
        await state.jobs.start()
        for session_id in await runner.unfinished():
            log.info("resuming session %s left unfinished by an earlier run", session_id)
            await state.jobs.submit(session_id)
        try:
            yield
        finally:
            await state.jobs.stop()
            await state.pool.stop()
            await stop_engine()

    return Starlette(routes=routes, exception_handlers=EXCEPTION_HANDLERS, lifespan=lifespan)
