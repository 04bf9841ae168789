/** Analysing: live percent, time left, and what the vision and coaching agents are doing. */
import { useEffect } from "react";
import { Link, useNavigate, useParams } from "react-router";
import { useQuery, useQueryClient } from "@tanstack/react-query";
import { api, unwrap } from "../api/client";
import { adviceFor } from "../api/errors";
import type { AgentState, SessionStatus } from "../api/types";
import { useAnalysisSocket } from "../components/useAnalysisSocket";
import { ProgressBar } from "../components/ui";
import { GENERAL_TIPS } from "../lib/filming";
import { clock } from "../lib/frames";
import { useTitle } from "../lib/useTitle";

const STEP_NAMES: Record<string, string> = {
  vision_processing: "Watching the video",
  coaching: "Writing your coaching",
  saving: "Saving the results",
};

const AGENT_TONE: Record<AgentState, string> = {
  waiting: "bg-slate-100 text-slate-700",
  processing: "bg-sky-100 text-sky-900",
  complete: "bg-brand-100 text-brand-900",
  failed: "bg-red-100 text-red-900",
};

const TASK_ICON: Record<string, string> = { pending: "○", running: "◐", complete: "●", failed: "✕" };

function AgentCard({ name, role, state }: { name: string; role: string; state: AgentState | undefined }) {
  const s = state ?? "waiting";
  return (
    <div className="flex items-center justify-between gap-3 rounded-xl border border-slate-200 p-4">
      <div>
        <p className="font-semibold">{name}</p>
        <p className="text-sm text-slate-600">{role}</p>
      </div>
      <span className={`chip ${AGENT_TONE[s]}`}>{s === "processing" ? "Working" : s[0].toUpperCase() + s.slice(1)}</span>
    </div>
  );
}

export function AnalysingPage() {
  const { id = "" } = useParams();
  useTitle("Analysing");
  const navigate = useNavigate();
  const client = useQueryClient();
  const live = useAnalysisSocket(id);
  const status = useQuery({
    queryKey: ["session", id],
    queryFn: () => unwrap<SessionStatus>(api.GET("/v1/analysis/sessions/{session_id}", { params: { path: { session_id: id } } })),
  });

  useEffect(() => {
    if (live.complete) {
      client.invalidateQueries({ queryKey: ["sessions"] });
      client.invalidateQueries({ queryKey: ["progress"] });
      navigate(`/results/${id}`, { replace: true });
    }
  }, [live.complete, id, navigate, client]);

  const pct = Math.round(live.progress?.progress ?? status.data?.progress ?? 0);
  const eta = live.progress?.estimatedTimeRemaining ?? status.data?.estimatedTimeRemaining ?? null;
  const step = live.progress ? (STEP_NAMES[live.progress.currentStep] ?? live.progress.currentStep) : "Waiting to start";
  const exerciseName = status.data?.exerciseName;

  if (live.error) {
    const noPerson = live.error.code === "NO_PERSON_DETECTED";
    return (
      <div className="mx-auto max-w-2xl">
        <div className="card" role="alert">
          <h1 className="text-2xl font-bold">{noPerson ? "We could not see you in the video" : "The analysis did not finish"}</h1>
          <p className="mt-2 text-slate-800">{live.error.message}.</p>
          {adviceFor(live.error.code) && <p className="mt-2 text-slate-700">{adviceFor(live.error.code)}</p>}
          {noPerson && (
            <ul className="mt-4 list-disc space-y-1 pl-5 text-slate-700">
              {GENERAL_TIPS.map((t) => (
                <li key={t}>{t}</li>
              ))}
            </ul>
          )}
          <div className="mt-6 flex flex-wrap gap-3">
            <Link to={status.data?.exerciseId ? `/analyze?exercise=${status.data.exerciseId}` : "/analyze"} className="btn-primary">
              Try another video
            </Link>
            <Link to="/history" className="btn-secondary">
              Go to history
            </Link>
          </div>
        </div>
      </div>
    );
  }

  const tasks = live.agents?.tasks ?? [];
  return (
    <div className="mx-auto max-w-3xl space-y-6">
      <div>
        <h1 className="text-2xl font-bold tracking-tight sm:text-3xl">Analysing{exerciseName ? ` your ${exerciseName.toLowerCase()}` : ""}</h1>
        <p className="mt-1 text-slate-600">This usually takes under a minute. You can leave this page; the result will be in your history.</p>
      </div>
      <section className="card" aria-labelledby="progress-title">
        <div className="flex items-baseline justify-between gap-4">
          <h2 id="progress-title" className="font-semibold">
            {step}
          </h2>
          <p className="text-3xl font-bold tabular-nums" aria-hidden="true">
            {pct}%
          </p>
        </div>
        <div className="mt-3">
          <ProgressBar value={pct / 100} label="Analysis progress" />
        </div>
        <p className="mt-2 text-sm text-slate-600" aria-live="polite">
          {eta !== null && pct < 100 ? `About ${clock(Math.ceil(eta))} left` : pct >= 100 ? "Finishing…" : "Estimating time…"}
        </p>
        {live.connection.phase === "waiting" && (
          <p className="mt-3 rounded-lg bg-amber-50 p-3 text-sm text-amber-900" role="status">
            Connection lost — reconnecting in {Math.ceil(live.connection.delayMs / 1000)} s. The analysis keeps running.{" "}
            <button type="button" className="font-semibold underline" onClick={live.retryNow}>
              Reconnect now
            </button>
          </p>
        )}
        {live.connection.phase === "failed" && (
          <p className="mt-3 rounded-lg bg-red-50 p-3 text-sm text-red-900" role="alert">
            Live updates stopped ({live.connection.reason}). Reload the page to see the latest state.
          </p>
        )}
      </section>
      <section className="card" aria-labelledby="agents-title">
        <h2 id="agents-title" className="mb-4 font-semibold">
          What is happening
        </h2>
        <div className="grid gap-3 sm:grid-cols-2">
          <AgentCard name="Vision agent" role="Finds your body and measures each rep" state={live.agents?.visionAgent} />
          <AgentCard name="Coaching agent" role="Turns the measurements into coaching" state={live.agents?.coachingAgent} />
        </div>
        {tasks.length > 0 && (
          <ol className="mt-5 space-y-2">
            {tasks.map((t) => (
              <li key={t.name} className="flex items-center gap-3 text-sm">
                <span
                  aria-hidden="true"
                  className={`w-4 text-center ${t.status === "complete" ? "text-brand-700" : t.status === "failed" ? "text-red-700" : t.status === "running" ? "animate-pulse text-sky-700" : "text-slate-400"}`}
                >
                  {TASK_ICON[t.status] ?? "○"}
                </span>
                <span className={t.status === "pending" ? "text-slate-600" : "text-slate-900"}>{t.name}</span>
                <span className="sr-only">: {t.status}</span>
              </li>
            ))}
          </ol>
        )}
      </section>
    </div>
  );
}
