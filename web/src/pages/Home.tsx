/** Home: what Biome does and how to film; signed in, the latest sessions and progress. */
import { Link } from "react-router";
import { useQuery } from "@tanstack/react-query";
import { api, unwrap } from "../api/client";
import { useAuth } from "../api/auth";
import type { ProgressSummary, SessionList } from "../api/types";
import { SessionCard } from "../components/SessionCard";
import { Empty, ErrorNote, ScoreValue, Spinner } from "../components/ui";
import { GENERAL_TIPS } from "../lib/filming";
import { useTitle } from "../lib/useTitle";

const STEPS = [
  ["Film a set", "Record with your webcam or upload a clip from your phone."],
  ["Biome measures it", "Body landmarks, joint angles, every rep and the frames where form slips."],
  ["Get coached", "A score, cues for each fault, what went well and what to work on — then ask the coach."],
];

function Landing() {
  return (
    <div className="space-y-12">
      <section className="grid items-center gap-8 lg:grid-cols-2">
        <div>
          <p className="chip bg-brand-100 text-brand-900">AI form coach</p>
          <h1 className="mt-4 text-4xl font-bold tracking-tight sm:text-5xl">Better reps, from one video.</h1>
          <p className="mt-4 text-lg text-slate-700">
            Biome watches your exercise, counts your reps, measures your joint angles and tells you exactly which
            frames need work — with coaching you can act on in your next set.
          </p>
          <div className="mt-6 flex flex-wrap gap-3">
            <Link to="/signup" className="btn-primary px-6 text-base">
              Start for free
            </Link>
            <Link to="/exercises" className="btn-secondary px-6 text-base">
              Browse exercises
            </Link>
          </div>
        </div>
        <ol className="grid gap-4">
          {STEPS.map(([title, text], i) => (
            <li key={title} className="card flex gap-4">
              <span className="flex size-10 shrink-0 items-center justify-center rounded-full bg-brand-700 font-bold text-white" aria-hidden="true">
                {i + 1}
              </span>
              <div>
                <h2 className="font-semibold">{title}</h2>
                <p className="text-slate-600">{text}</p>
              </div>
            </li>
          ))}
        </ol>
      </section>
      <FilmingTips />
    </div>
  );
}

function FilmingTips() {
  return (
    <section className="card" aria-labelledby="tips-title">
      <h2 id="tips-title" className="text-xl font-semibold">
        How to film
      </h2>
      <ul className="mt-4 grid gap-3 sm:grid-cols-2">
        {GENERAL_TIPS.map((t) => (
          <li key={t} className="flex gap-3 text-slate-700">
            <svg viewBox="0 0 20 20" className="mt-0.5 size-5 shrink-0 text-brand-700" aria-hidden="true">
              <path d="M5 10l3 3 7-7" fill="none" stroke="currentColor" strokeWidth="2" strokeLinecap="round" />
            </svg>
            {t}
          </li>
        ))}
      </ul>
      <p className="mt-4 text-sm text-slate-600">
        Each exercise says which camera view its checks need — see{" "}
        <Link to="/exercises" className="font-semibold text-brand-700 underline">
          Exercises
        </Link>
        .
      </p>
    </section>
  );
}

const TREND: Record<string, string> = { improving: "Improving", stable: "Steady", declining: "Slipping" };

function Dashboard({ name }: { name: string }) {
  const sessions = useQuery({
    queryKey: ["sessions", { page: 1, limit: 3 }],
    queryFn: () => unwrap<SessionList>(api.GET("/v1/analysis/sessions", { params: { query: { page: 1, limit: 3 } } })),
  });
  const summary = useQuery({
    queryKey: ["progress", "summary"],
    queryFn: () => unwrap<ProgressSummary>(api.GET("/v1/progress/summary")),
  });
  const s = summary.data;
  return (
    <div className="space-y-8">
      <section className="flex flex-wrap items-end justify-between gap-4">
        <div>
          <h1 className="text-3xl font-bold tracking-tight">Welcome back, {name}</h1>
          <p className="mt-1 text-slate-600">Film a set and see how your form is trending.</p>
        </div>
        <Link to="/analyze" className="btn-primary">
          New analysis
        </Link>
      </section>
      <section aria-labelledby="glance-title">
        <h2 id="glance-title" className="sr-only">
          Progress at a glance
        </h2>
        {summary.isError ? (
          <ErrorNote error={summary.error} />
        ) : (
          <dl className="grid grid-cols-2 gap-4 lg:grid-cols-4">
            {[
              ["Analyses", s ? String(s.totalAnalyses) : "…"],
              ["Average score", s ? <ScoreValue score={s.averageScore} /> : "…"],
              ["Trend", s ? (s.improvementTrend ? TREND[s.improvementTrend] : "Not enough data") : "…"],
              ["Most filmed", s ? (s.favoriteExercise ?? "—") : "…"],
            ].map(([k, v]) => (
              <div key={String(k)} className="card p-4 sm:p-5">
                <dt className="text-sm text-slate-600">{k}</dt>
                <dd className="mt-1 text-xl font-semibold">{v}</dd>
              </div>
            ))}
          </dl>
        )}
      </section>
      <section aria-labelledby="recent-title">
        <div className="mb-3 flex items-center justify-between">
          <h2 id="recent-title" className="text-xl font-semibold">
            Latest sessions
          </h2>
          <Link to="/history" className="text-sm font-semibold text-brand-700 underline">
            All history
          </Link>
        </div>
        {sessions.isPending ? (
          <Spinner />
        ) : sessions.isError ? (
          <ErrorNote error={sessions.error} onRetry={() => sessions.refetch()} />
        ) : sessions.data.sessions.length === 0 ? (
          <Empty title="No analyses yet">
            <Link to="/exercises" className="btn-primary mt-3">
              Choose an exercise
            </Link>
          </Empty>
        ) : (
          <div className="grid gap-4 sm:grid-cols-2 lg:grid-cols-3">
            {sessions.data.sessions.map((x) => (
              <SessionCard key={x.id} session={x} />
            ))}
          </div>
        )}
      </section>
      <FilmingTips />
    </div>
  );
}

export function HomePage() {
  useTitle("");
  const { token, user } = useAuth();
  if (!token) return <Landing />;
  return <Dashboard name={user?.firstName || user?.username || "athlete"} />;
}
