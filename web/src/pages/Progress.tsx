/** Progress: per exercise, score and reps over time, and how often each fault appeared. */
import { useMemo, useState } from "react";
import { Link } from "react-router";
import { useQuery } from "@tanstack/react-query";
import type uPlot from "uplot";
import { api, unwrap } from "../api/client";
import type { ProgressExercises, Timeline } from "../api/types";
import { LineChart } from "../components/LineChart";
import { Empty, ErrorNote, PageHeader, ScoreValue, Spinner, formatDate } from "../components/ui";
import { issueName } from "../lib/frames";
import { exerciseKey, progressFor } from "../lib/progress";
import { useTitle } from "../lib/useTitle";

const TREND: Record<string, string> = { improving: "Improving ↑", stable: "Steady →", declining: "Slipping ↓" };

function chartOptions(label: string, colour: string, max?: number): Omit<uPlot.Options, "width" | "height"> {
  return {
    // One session would make uPlot stretch the time axis over years: show a day either side.
    scales: { x: { time: true, range: (_u, lo, hi) => (lo === hi ? [lo - 86400, hi + 86400] : [lo, hi]) }, y: max ? { range: [0, max] } : { range: (_u, _min, hi) => [0, Math.max(1, Math.ceil(hi * 1.15))] } },
    axes: [
      { stroke: "#475569", grid: { stroke: "#e2e8f0" } },
      // Whole numbers only: a rep or a score step of 0.25 means nothing.
      { stroke: "#475569", grid: { stroke: "#e2e8f0" }, size: 44, incrs: [1, 2, 5, 10, 20, 50, 100] },
    ],
    series: [{}, { label, stroke: colour, width: 2, spanGaps: true, points: { show: true, size: 7, fill: colour } }],
  };
}

function heat(n: number, max: number): string {
  if (!n) return "bg-slate-50 text-slate-500";
  const r = n / Math.max(max, 1);
  return r > 0.66 ? "bg-red-200 text-red-950" : r > 0.33 ? "bg-amber-200 text-amber-950" : "bg-yellow-100 text-yellow-950";
}

export default function ProgressPage() {
  useTitle("Progress");
  const timeline = useQuery({ queryKey: ["progress", "timeline"], queryFn: () => unwrap<Timeline>(api.GET("/v1/progress/timeline")) });
  const perExercise = useQuery({
    queryKey: ["progress", "exercises"],
    queryFn: () => unwrap<ProgressExercises>(api.GET("/v1/progress/exercises")),
  });
  const [picked, setPicked] = useState<string>("");
  const exercises = timeline.data?.exercises ?? [];
  const key = picked || (exercises[0] ? exerciseKey(exercises[0]) : "");
  const p = useMemo(() => (timeline.data && key ? progressFor(timeline.data, key) : null), [timeline.data, key]);
  const scoreData = useMemo<uPlot.AlignedData | null>(() => (p ? [p.times, p.scores] : null), [p]);
  const repData = useMemo<uPlot.AlignedData | null>(() => (p ? [p.times, p.reps] : null), [p]);
  const scoreOpts = useMemo(() => chartOptions("Score", "#047857", 10), []);
  const repOpts = useMemo(() => chartOptions("Reps", "#0369a1"), []);
  const summary = perExercise.data?.exercises.find((e) => (e.exerciseId ?? `name:${e.exerciseName}`) === key);
  const maxCount = p ? Math.max(0, ...p.counts.flat()) : 0;

  return (
    <div>
      <PageHeader title="Progress" subtitle="How your form changes from session to session." />
      {timeline.isPending ? (
        <Spinner label="Loading your progress" />
      ) : timeline.isError ? (
        <ErrorNote error={timeline.error} onRetry={() => timeline.refetch()} />
      ) : exercises.length === 0 ? (
        <Empty title="No completed analyses yet">
          <Link to="/analyze" className="btn-primary mt-3">
            Analyse a set
          </Link>
        </Empty>
      ) : (
        <div className="space-y-6">
          <div className="max-w-sm">
            <label htmlFor="progress-exercise" className="label">
              Exercise
            </label>
            <select id="progress-exercise" className="input" value={key} onChange={(e) => setPicked(e.target.value)}>
              {exercises.map((e) => (
                <option key={exerciseKey(e)} value={exerciseKey(e)}>
                  {e.exerciseName} ({e.sessions} {e.sessions === 1 ? "session" : "sessions"})
                </option>
              ))}
            </select>
          </div>
          {summary && (
            <dl className="grid grid-cols-2 gap-4 lg:grid-cols-4">
              <div className="card p-4 sm:p-5">
                <dt className="text-sm text-slate-600">Average score</dt>
                <dd className="mt-1 text-xl font-semibold">
                  <ScoreValue score={summary.averageScore} />
                </dd>
              </div>
              <div className="card p-4 sm:p-5">
                <dt className="text-sm text-slate-600">Analyses</dt>
                <dd className="mt-1 text-xl font-semibold">{summary.totalAnalyses}</dd>
              </div>
              <div className="card p-4 sm:p-5">
                <dt className="text-sm text-slate-600">Trend</dt>
                <dd className="mt-1 text-xl font-semibold">{summary.improvementTrend ? TREND[summary.improvementTrend] : "Not enough data"}</dd>
              </div>
              <div className="card p-4 sm:p-5">
                <dt className="text-sm text-slate-600">Last session</dt>
                <dd className="mt-1 text-xl font-semibold">{formatDate(summary.lastAnalysisDate)}</dd>
              </div>
            </dl>
          )}
          {p && scoreData && repData && (
            <div className="grid gap-6 lg:grid-cols-2">
              <section className="card min-w-0" aria-labelledby="score-chart">
                <h2 id="score-chart" className="mb-3 text-lg font-semibold">
                  Score over time
                </h2>
                <LineChart data={scoreData} options={scoreOpts} height={220} label={`Score by session: ${p.scores.map((s) => (s === null ? "not rated" : s.toFixed(1))).join(", ")}`} />
              </section>
              <section className="card min-w-0" aria-labelledby="reps-chart">
                <h2 id="reps-chart" className="mb-3 text-lg font-semibold">
                  Reps per session
                </h2>
                <LineChart data={repData} options={repOpts} height={220} label={`Reps by session: ${p.reps.map((r) => r ?? "unknown").join(", ")}`} />
              </section>
            </div>
          )}
          {p && (
            <section className="card min-w-0" aria-labelledby="faults-title">
              <h2 id="faults-title" className="text-lg font-semibold">
                Faults per session
              </h2>
              {p.faults.length === 0 ? (
                <p className="mt-2 text-slate-600">No faults found in any session of this exercise.</p>
              ) : (
                <div className="mt-3 overflow-x-auto">
                  <table className="w-full text-sm">
                    <caption className="sr-only">How many times each fault appeared in each session</caption>
                    <thead>
                      <tr className="text-left text-slate-600">
                        <th scope="col" className="py-2 pr-3 font-medium">
                          Session
                        </th>
                        {p.faults.map((f) => (
                          <th key={f} scope="col" className="px-2 py-2 text-center font-medium">
                            {issueName(f)}
                          </th>
                        ))}
                      </tr>
                    </thead>
                    <tbody>
                      {p.sessionIds.map((sid, i) => (
                        <tr key={sid} className="border-t border-slate-100">
                          <th scope="row" className="py-1.5 pr-3 text-left font-normal whitespace-nowrap">
                            <Link to={`/results/${sid}`} className="text-brand-800 underline">
                              {formatDate(p.dates[i], true)}
                            </Link>
                          </th>
                          {p.counts[i].map((n, j) => (
                            <td key={p.faults[j]} className="px-2 py-1.5 text-center">
                              <span className={`inline-block min-w-8 rounded-md px-2 py-0.5 font-semibold tabular-nums ${heat(n, maxCount)}`}>{n}</span>
                            </td>
                          ))}
                        </tr>
                      ))}
                    </tbody>
                  </table>
                </div>
              )}
            </section>
          )}
        </div>
      )}
    </div>
  );
}
