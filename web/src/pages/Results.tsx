/** Results: the video with its skeleton, the timeline, the score and everything the analysis found. */
import { useMemo, useRef, useState, type RefObject } from "react";
import { Link, useParams } from "react-router";
import { useQuery } from "@tanstack/react-query";
import { api, unwrap } from "../api/client";
import { ApiError } from "../api/errors";
import type { Check, Issue, Keyframe, Metric, Pose, Rep, Result, ResultSession, Results, Series } from "../api/types";
import { AngleChart } from "../components/AngleChart";
import { ChatPanel } from "../components/ChatPanel";
import { PosePlayer, type PosePlayerHandle } from "../components/PosePlayer";
import { RecognitionCard } from "../components/RecognitionCard";
import { Timeline } from "../components/Timeline";
import { ErrorNote, Notice, Spinner, formatDate, scoreTone } from "../components/ui";
import { issueLabel, issueName } from "../lib/frames";
import { signalLabel, thresholdsFromMetrics } from "../lib/thresholds";
import { useTitle } from "../lib/useTitle";

const SEVERITY_TONE: Record<string, string> = {
  severe: "bg-red-100 text-red-900",
  moderate: "bg-amber-100 text-amber-900",
  minor: "bg-yellow-100 text-yellow-900",
};
const METRIC_TONE: Record<string, string> = {
  good: "bg-brand-100 text-brand-900",
  warning: "bg-amber-100 text-amber-900",
  bad: "bg-red-100 text-red-900",
  poor: "bg-red-100 text-red-900",
};

function ScoreCard({ result }: { result: Result }) {
  const score = result.overallScore as number | null | undefined;
  return (
    <section className="card" aria-labelledby="score-title">
      <h2 id="score-title" className="text-sm font-medium text-slate-600">
        Form score
      </h2>
      <div className="mt-2 flex items-end gap-4">
        <p data-testid="score" className={`rounded-2xl px-4 py-2 text-4xl font-bold tabular-nums ${scoreTone(score)}`}>
          {score === null || score === undefined ? "Not rated" : score.toFixed(1)}
          {score !== null && score !== undefined && <span className="text-lg font-semibold"> / 10</span>}
        </p>
        <div className="pb-1">
          <p className="text-sm text-slate-600">Reps</p>
          <p data-testid="rep-count" className="text-3xl font-bold tabular-nums">
            {result.repCount ?? "—"}
          </p>
        </div>
      </div>
      {(score === null || score === undefined) && result.unratedReason && <p className="mt-3 text-sm text-slate-700">{result.unratedReason}</p>}
      {result.summary && <p className="mt-4 text-slate-800">{result.summary}</p>}
      <p className="mt-3 text-xs text-slate-600">
        Coaching written by <span className="font-semibold">{coachName(result.coach)}</span>
        {typeof result.processingTime === "number" ? ` · analysed in ${result.processingTime.toFixed(0)} s` : ""}
      </p>
    </section>
  );
}

function coachName(model: string | null | undefined): string {
  if (!model) return "an unknown model";
  if (model === "biome-offline-coach") return "Biome's offline coach (no AI model; rules grounded in your measurements)";
  return model;
}

function IssueList({ issues, keyframes, onSeek }: { issues: Issue[]; keyframes: Keyframe[]; onSeek: (frame: number) => void }) {
  if (!issues.length) return <Notice tone="ok">No form issues were found in this set.</Notice>;
  return (
    <ul className="space-y-4">
      {issues.map((i) => {
        const kf = keyframes.find((k) => k.kind === "fault" && k.issueType === i.type);
        return (
          <li key={`${i.type}-${i.frameStart}`} className="flex flex-col gap-4 rounded-xl border border-slate-200 p-4 sm:flex-row">
            {kf?.url && (
              <img src={kf.url} alt={`${issueName(i.type)} at frame ${kf.frame}${kf.label ? `: ${kf.label}` : ""}`} loading="lazy" className="w-full rounded-lg bg-slate-200 object-cover sm:w-48" />
            )}
            <div className="min-w-0 flex-1">
              <div className="flex flex-wrap items-center gap-2">
                <h3 className="font-semibold">{issueName(i.type)}</h3>
                <span className={`chip ${SEVERITY_TONE[i.severity] ?? "bg-slate-100 text-slate-800"}`}>{i.severity}</span>
                {i.confidenceScore !== null && <span className="chip bg-slate-100 text-slate-800">{Math.round(i.confidenceScore * 100)}% confident</span>}
              </div>
              <p className="mt-2 text-slate-800">{i.coachingCue}</p>
              <p className="mt-1 text-sm text-slate-600">
                Frames {i.frameStart}–{i.frameEnd}
              </p>
              <button type="button" className="btn-secondary mt-3" onClick={() => onSeek(i.frameStart)} aria-label={`Watch ${issueLabel(i)}`}>
                Watch it
              </button>
            </div>
          </li>
        );
      })}
    </ul>
  );
}

function MetricsTable({ metrics }: { metrics: Metric[] }) {
  return (
    <div className="overflow-x-auto">
      <table className="w-full text-left text-sm">
        <caption className="sr-only">Measurements</caption>
        <thead className="text-slate-600">
          <tr className="border-b border-slate-200">
            <th scope="col" className="py-2 pr-3 font-medium">
              Measure
            </th>
            <th scope="col" className="py-2 pr-3 font-medium">
              Yours
            </th>
            <th scope="col" className="py-2 pr-3 font-medium">
              Target
            </th>
            <th scope="col" className="py-2 font-medium">
              Status
            </th>
          </tr>
        </thead>
        <tbody>
          {metrics.map((m) => (
            <tr key={m.name} className="border-b border-slate-100 last:border-0">
              <th scope="row" className="py-2 pr-3 font-medium text-slate-900">
                {m.name}
              </th>
              <td className="py-2 pr-3 tabular-nums">{m.actual}</td>
              <td className="py-2 pr-3 text-slate-600">{m.target}</td>
              <td className="py-2">
                <span className={`chip ${METRIC_TONE[m.status] ?? "bg-slate-100 text-slate-800"}`}>{m.status}</span>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function Checks({ checks, result }: { checks: Check[]; result: Result }) {
  const skipped = checks.filter((c) => c.status !== "done");
  const camera = result.camera as { view?: string; guidance?: string } | null;
  const body = result.bodyInFrame as { ok?: boolean; guidance?: string } | null;
  return (
    <section className="card" aria-labelledby="checks-title">
      <h2 id="checks-title" className="text-lg font-semibold">
        Camera and checks
      </h2>
      {camera?.view && (
        <p className="mt-2 text-sm text-slate-700">
          <span className="font-medium">Camera view: </span>
          {camera.view}
        </p>
      )}
      {camera?.guidance && <p className="mt-1 text-sm text-slate-700">{camera.guidance}</p>}
      {body?.guidance && <p className={`mt-2 text-sm ${body.ok === false ? "text-amber-900" : "text-slate-700"}`}>{body.guidance}</p>}
      <p className="mt-3 text-sm text-slate-600">
        {checks.length - skipped.length} of {checks.length} checks made.
      </p>
      {skipped.length > 0 && (
        <>
          <h3 className="mt-3 text-sm font-semibold">Could not be checked</h3>
          <ul className="mt-1 list-disc space-y-1 pl-5 text-sm text-slate-700">
            {skipped.map((c) => (
              <li key={c.name}>
                <span className="font-medium">{issueName(c.name)}</span>
                {c.reason ? `: ${c.reason}` : ""}
              </li>
            ))}
          </ul>
        </>
      )}
    </section>
  );
}

function ListCard({ title, items, empty }: { title: string; items: string[]; empty: string }) {
  return (
    <section className="card">
      <h2 className="text-lg font-semibold">{title}</h2>
      {items.length ? (
        <ul className="mt-3 space-y-2">
          {items.map((s) => (
            <li key={s} className="flex gap-2 text-slate-800">
              <span aria-hidden="true" className="text-brand-700">
                •
              </span>
              {s}
            </li>
          ))}
        </ul>
      ) : (
        <p className="mt-2 text-slate-600">{empty}</p>
      )}
    </section>
  );
}

/** The player and its timeline. The playing frame lives here, so playback re-renders only these. */
function PlayerWithTimeline(props: {
  player: RefObject<PosePlayerHandle | null>;
  src: string;
  pose: Pose | undefined;
  poseState: "loading" | "ready" | "missing";
  fps: number;
  frameCount: number;
  reps: Rep[];
  issues: Issue[];
  onSeek: (frame: number) => void;
}) {
  const [frame, setFrame] = useState(0);
  return (
    <>
      <PosePlayer ref={props.player} src={props.src} pose={props.pose} poseState={props.poseState} fps={props.fps} frameCount={props.frameCount} onFrame={setFrame} />
      <div className="mt-4">
        <Timeline reps={props.reps} issues={props.issues} frameCount={props.frameCount} fps={props.fps} frame={frame} onSeek={props.onSeek} />
      </div>
    </>
  );
}

export default function ResultsPage() {
  const { id = "" } = useParams();
  const player = useRef<PosePlayerHandle>(null);
  const path = { params: { path: { session_id: id } } };
  const results = useQuery({
    queryKey: ["results", id],
    queryFn: () => unwrap<Results>(api.GET("/v1/analysis/sessions/{session_id}/results", path)),
    // Signed links expire: refresh before they do.
    staleTime: 10 * 60_000,
  });
  const series = useQuery({
    queryKey: ["series", id],
    queryFn: () => unwrap<Series>(api.GET("/v1/analysis/sessions/{session_id}/series", path)),
    enabled: results.isSuccess,
    staleTime: Infinity,
  });
  const pose = useQuery({
    queryKey: ["pose", id],
    queryFn: () => unwrap<Pose>(api.GET("/v1/analysis/sessions/{session_id}/pose", path)),
    enabled: results.isSuccess,
    staleTime: Infinity,
    retry: (n, err) => n < 1 && !(err instanceof ApiError && err.status === 404),
  });
  const data = results.data;
  useTitle(data ? `${data.session.exerciseName} results` : "Results");
  const reps = useMemo(() => ((data?.reps ?? []) as unknown as Rep[]).filter((r) => typeof r.startFrame === "number"), [data]);
  const seriesWithThresholds = useMemo(
    () => {
      if (!series.data) return undefined;
      const label = series.data.label ?? signalLabel(series.data.signal);
      return { ...series.data, label, thresholds: series.data.thresholds ?? thresholdsFromMetrics(label, data?.metrics ?? []) };
    },
    [series.data, data],
  );

  if (results.isPending) return <Spinner label="Loading the results" />;
  if (results.isError) {
    const notReady = results.error instanceof ApiError && results.error.code === "RESULTS_NOT_READY";
    return (
      <div className="mx-auto max-w-2xl space-y-4">
        <h1 className="text-2xl font-bold">Results</h1>
        <ErrorNote error={results.error} onRetry={() => results.refetch()} />
        {notReady && (
          <Link to={`/sessions/${id}/progress`} className="btn-primary">
            Follow the analysis
          </Link>
        )}
      </div>
    );
  }

  const loaded = results.data;
  const { session, result, issues, metrics, strengths, recommendations, keyframes } = loaded;
  const s = session as ResultSession;
  const r = result as Result;
  const video = (r.video ?? {}) as { fps?: number; frameCount?: number; width?: number; height?: number };
  const fps = video.fps || pose.data?.fps || series.data?.fps || 30;
  const frameCount = video.frameCount || r.totalFrames || pose.data?.frameCount || 1;
  const checks = (loaded.checks ?? []) as unknown as Check[];
  const recognition = r.recognition ?? null;
  // The recognition's message has a card of its own; the notices need not repeat it.
  const notices = ((loaded.notices ?? []) as unknown[]).filter(
    (n) => !recognition || (typeof n === "string" ? n : (n as { message?: string }).message) !== recognition.message,
  );
  const seek = (f: number) => player.current?.seekToFrame(f);
  const worst = keyframes.find((k) => k.kind === "worst_rep" || k.kind === "hold");

  return (
    <div className="space-y-6">
      <div className="flex flex-wrap items-end justify-between gap-4">
        <div>
          <p className="print-only text-sm font-semibold text-brand-800">Biome form report</p>
          <p className="text-sm text-slate-600">
            <Link to="/history" className="underline no-print">
              History
            </Link>
            <span className="no-print"> / </span>
            {formatDate(s.createdAt, true)}
          </p>
          <h1 className="text-2xl font-bold tracking-tight sm:text-3xl">{s.exerciseName}</h1>
        </div>
        <div className="no-print flex flex-wrap gap-2">
          {s.processedVideoUrl && (
            <a href={s.processedVideoUrl} download className="btn-secondary">
              Download annotated video
            </a>
          )}
          <button type="button" className="btn-secondary" onClick={() => window.print()}>
            Print report
          </button>
          <Link to="/analyze" className="btn-primary">
            Analyse another set
          </Link>
        </div>
      </div>
      {recognition?.mismatch && <RecognitionCard sessionId={id} exerciseName={s.exerciseName} recognition={recognition} />}
      {notices.length > 0 && (
        <Notice tone="warn">
          <ul className="list-disc space-y-1 pl-5">
            {notices.map((n, i) => (
              <li key={i}>{typeof n === "string" ? n : ((n as { message?: string }).message ?? JSON.stringify(n))}</li>
            ))}
          </ul>
        </Notice>
      )}
      <div className="results-top grid gap-6 lg:grid-cols-[minmax(0,1fr)_22rem]">
        <div className="no-print min-w-0 space-y-4">
          {s.videoUrl ? (
            <div className="card no-print p-3 sm:p-4">
              <PlayerWithTimeline
                player={player}
                src={s.videoUrl}
                pose={pose.data}
                poseState={pose.isPending ? "loading" : pose.isError ? "missing" : "ready"}
                fps={fps}
                frameCount={frameCount}
                reps={reps}
                issues={issues}
                onSeek={seek}
              />
            </div>
          ) : (
            <Notice>The video is no longer stored.</Notice>
          )}
        </div>
        <div className="results-side space-y-6">
          <ScoreCard result={r} />
          {recognition && !recognition.mismatch && <RecognitionCard sessionId={id} exerciseName={s.exerciseName} recognition={recognition} />}
          {worst?.url && (
            <figure className="card p-3">
              <img src={worst.url} alt={worst.label ?? "Key frame"} className="w-full rounded-lg" loading="lazy" />
              {worst.label && <figcaption className="mt-2 text-sm text-slate-700">{worst.label}</figcaption>}
            </figure>
          )}
        </div>
      </div>

      <section className="card" aria-labelledby="issues-title">
        <h2 id="issues-title" className="mb-4 text-lg font-semibold">
          Form issues {issues.length > 0 && <span className="text-slate-600">({issues.length})</span>}
        </h2>
        <IssueList issues={issues} keyframes={keyframes} onSeek={seek} />
      </section>

      <div className="grid gap-6 lg:grid-cols-2">
        <section className="card min-w-0" aria-labelledby="metrics-title">
          <h2 id="metrics-title" className="mb-3 text-lg font-semibold">
            Measurements
          </h2>
          <MetricsTable metrics={metrics} />
        </section>
        <section className="card min-w-0" aria-labelledby="chart-title">
          <h2 id="chart-title" className="mb-3 text-lg font-semibold">
            {seriesWithThresholds?.label || "Angle"} over time
          </h2>
          {series.isPending ? (
            <Spinner />
          ) : series.isError ? (
            <ErrorNote error={series.error} />
          ) : seriesWithThresholds && seriesWithThresholds.frames.length ? (
            <>
              <AngleChart series={seriesWithThresholds} reps={reps} />
              <p className="mt-2 text-xs text-slate-600">Shaded bands are reps; dashed lines are targets.</p>
            </>
          ) : (
            <p className="text-slate-600">No angle was measured for this exercise.</p>
          )}
        </section>
      </div>

      <div className="grid gap-6 lg:grid-cols-2">
        <ListCard title="What went well" items={strengths} empty="Nothing stood out this time." />
        <ListCard title="What to work on" items={recommendations} empty="No recommendations." />
      </div>

      <div className="grid gap-6 lg:grid-cols-2">
        <Checks checks={checks} result={r} />
        <ChatPanel sessionId={id} />
      </div>
    </div>
  );
}
