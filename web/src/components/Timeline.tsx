/** Under the video: every rep and every issue's frame range; click one to seek there. */
import { useMemo } from "react";
import type { Issue, Rep } from "../api/types";
import { clock, timelineMarkers, type Marker } from "../lib/frames";

const SEVERITY: Record<string, string> = {
  severe: "bg-red-600 hover:bg-red-700",
  moderate: "bg-amber-500 hover:bg-amber-600",
  minor: "bg-yellow-300 hover:bg-yellow-400",
};

export function Timeline({
  reps,
  issues,
  frameCount,
  fps,
  frame,
  onSeek,
}: {
  reps: Rep[];
  issues: Issue[];
  frameCount: number;
  fps: number;
  frame: number;
  onSeek: (frame: number) => void;
}) {
  const markers = useMemo(() => timelineMarkers(reps, issues, frameCount), [reps, issues, frameCount]);
  const repMarkers = markers.filter((m) => m.kind === "rep");
  const issueMarkers = markers.filter((m) => m.kind === "issue");
  const lanes = Math.max(1, ...issueMarkers.map((m) => m.lane + 1));
  const playhead = frameCount > 0 ? (frame / frameCount) * 100 : 0;
  const button = (m: Marker, tone: string, top: number, height: number) => (
    <button
      key={`${m.kind}-${m.label}`}
      type="button"
      onClick={() => onSeek(m.kind === "rep" ? m.startFrame : m.startFrame)}
      title={`${m.label} · ${clock(m.startFrame / fps)}`}
      aria-label={m.label}
      className={`absolute rounded-md ring-offset-1 focus-visible:z-10 ${tone}`}
      style={{ left: `${m.left}%`, width: `${m.width}%`, top, height }}
    >
      {m.kind === "rep" && m.width > 3 ? <span className="block truncate px-1 text-[11px] font-semibold text-white">{m.label.replace("Rep ", "")}</span> : null}
    </button>
  );
  const laneHeight = 14;
  return (
    <section aria-label="Timeline of reps and issues" className="no-print">
      <div className="mb-1 flex justify-between text-xs text-slate-600">
        <span>Reps</span>
        <span>
          {clock(frame / fps)} / {clock(frameCount / fps)}
        </span>
      </div>
      <div className="relative h-7 rounded-lg bg-slate-100">
        {repMarkers.map((m) => button(m, "bg-brand-700 hover:bg-brand-800", 2, 24))}
        <div className="pointer-events-none absolute -top-1 -bottom-1 w-0.5 bg-slate-900" style={{ left: `${playhead}%` }} aria-hidden="true" />
      </div>
      <div className="mt-3 mb-1 text-xs text-slate-600">Issues</div>
      <div className="relative rounded-lg bg-slate-100" style={{ height: lanes * (laneHeight + 4) + 4 }}>
        {issueMarkers.length === 0 && <p className="px-2 py-0.5 text-xs text-slate-600">No form issues found.</p>}
        {issueMarkers.map((m) => button(m, SEVERITY[m.severity ?? ""] ?? "bg-slate-500", 4 + m.lane * (laneHeight + 4), laneHeight))}
        <div className="pointer-events-none absolute -top-1 -bottom-1 w-0.5 bg-slate-900" style={{ left: `${playhead}%` }} aria-hidden="true" />
      </div>
      <ul className="mt-2 flex flex-wrap gap-x-4 gap-y-1 text-xs text-slate-600" aria-label="Legend">
        <li className="flex items-center gap-1">
          <span className="size-3 rounded bg-brand-700" aria-hidden="true" /> Rep
        </li>
        <li className="flex items-center gap-1">
          <span className="size-3 rounded bg-red-600" aria-hidden="true" /> Severe
        </li>
        <li className="flex items-center gap-1">
          <span className="size-3 rounded bg-amber-500" aria-hidden="true" /> Moderate
        </li>
        <li className="flex items-center gap-1">
          <span className="size-3 rounded bg-yellow-300" aria-hidden="true" /> Minor
        </li>
      </ul>
    </section>
  );
}
