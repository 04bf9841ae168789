/** Per-exercise progress from /v1/progress/timeline: series for the charts, the fault table. */
import type { Timeline } from "../api/types";

export interface ExerciseProgress {
  /** Session dates in seconds since the epoch (uPlot's time axis). */
  times: number[];
  scores: (number | null)[];
  reps: (number | null)[];
  /** Fault types, most frequent first. */
  faults: string[];
  /** counts[i][j]: how often fault j appeared in session i. */
  counts: number[][];
  sessionIds: string[];
  dates: string[];
}

export function exerciseKey(e: { exerciseId: string | null; exerciseName: string }): string {
  return e.exerciseId ?? `name:${e.exerciseName}`;
}

export function progressFor(timeline: Timeline, key: string): ExerciseProgress {
  const sessions = timeline.sessions
    .filter((s) => exerciseKey(s) === key)
    .sort((a, b) => Date.parse(a.date) - Date.parse(b.date));
  const totals = new Map<string, number>();
  for (const s of sessions) for (const [f, n] of Object.entries(s.faults)) totals.set(f, (totals.get(f) ?? 0) + n);
  const faults = [...totals.entries()].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])).map(([f]) => f);
  return {
    times: sessions.map((s) => Date.parse(s.date) / 1000),
    scores: sessions.map((s) => s.overallScore),
    reps: sessions.map((s) => s.repCount),
    faults,
    counts: sessions.map((s) => faults.map((f) => s.faults[f] ?? 0)),
    sessionIds: sessions.map((s) => s.sessionId),
    dates: sessions.map((s) => s.date),
  };
}
