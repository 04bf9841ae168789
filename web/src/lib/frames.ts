/** Video time ↔ frame index, and the timeline's rows of reps and issues. */

/** The frame shown at `time` seconds: frames start at i/fps, so it is floor(time·fps). */
export function timeToFrame(time: number, fps: number, frameCount: number): number {
  if (!(fps > 0) || !(frameCount > 0) || !Number.isFinite(time)) return 0;
  // A tiny epsilon absorbs float error at exact boundaries (e.g. 0.1·30 = 2.9999…).
  const frame = Math.floor(time * fps + 1e-6);
  return Math.min(Math.max(frame, 0), frameCount - 1);
}

/** A time inside frame `frame` (its middle), so that seeking lands on that frame. */
export function frameToTime(frame: number, fps: number): number {
  if (!(fps > 0)) return 0;
  return (Math.max(frame, 0) + 0.5) / fps;
}

export interface RepLike {
  index: number;
  startFrame: number;
  endFrame: number;
}

export interface IssueLike {
  type: string;
  severity: string;
  frameStart: number;
  frameEnd: number;
}

export interface Marker {
  kind: "rep" | "issue";
  /** Accessible name, as the browser tests look it up. */
  label: string;
  startFrame: number;
  endFrame: number;
  /** Position along the timeline, percent of its width. */
  left: number;
  width: number;
  severity?: string;
  /** Which row of the issue lane, so overlapping ranges do not cover each other. */
  lane: number;
}

const MIN_WIDTH = 0.8; // percent: a one-frame issue stays clickable

function place(start: number, end: number, frameCount: number): { left: number; width: number } {
  const total = Math.max(frameCount, 1);
  const s = Math.min(Math.max(start, 0), total - 1);
  const e = Math.min(Math.max(end, s), total - 1);
  const left = (s / total) * 100;
  const width = Math.max(((e - s + 1) / total) * 100, MIN_WIDTH);
  return { left: Math.min(left, 100 - MIN_WIDTH), width: Math.min(width, 100 - Math.min(left, 100 - MIN_WIDTH)) };
}

/** Human name of an issue type: "knee_valgus" → "Knee valgus". */
export function issueName(type: string): string {
  const words = type.replace(/[_-]+/g, " ").trim();
  return words ? words[0].toUpperCase() + words.slice(1) : "Issue";
}

export function issueLabel(issue: IssueLike): string {
  return `${issueName(issue.type)} (frames ${issue.frameStart}–${issue.frameEnd})`;
}

/** Rep markers then issue markers; issues get lanes so overlapping ranges stack. */
export function timelineMarkers(reps: RepLike[], issues: IssueLike[], frameCount: number): Marker[] {
  const repMarkers: Marker[] = reps.map((r) => ({
    kind: "rep",
    label: `Rep ${r.index}`,
    startFrame: r.startFrame,
    endFrame: r.endFrame,
    lane: 0,
    ...place(r.startFrame, r.endFrame, frameCount),
  }));
  const laneEnds: number[] = [];
  const sorted = [...issues].sort((a, b) => a.frameStart - b.frameStart || a.frameEnd - b.frameEnd);
  const issueMarkers: Marker[] = sorted.map((i) => {
    let lane = laneEnds.findIndex((end) => end < i.frameStart);
    if (lane === -1) {
      lane = laneEnds.length;
      laneEnds.push(i.frameEnd);
    } else laneEnds[lane] = i.frameEnd;
    return {
      kind: "issue",
      label: issueLabel(i),
      startFrame: i.frameStart,
      endFrame: i.frameEnd,
      severity: i.severity,
      lane,
      ...place(i.frameStart, i.frameEnd, frameCount),
    };
  });
  return [...repMarkers, ...issueMarkers];
}

/** The markers that contain a frame (for highlighting what is playing). */
export function activeMarkers(markers: Marker[], frame: number): Marker[] {
  return markers.filter((m) => frame >= m.startFrame && frame <= m.endFrame);
}

/** "0:07" / "1:02:03" for a number of seconds, whole seconds down (as video players count). */
export function clock(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return "–:––";
  const s = Math.floor(seconds + 1e-6);
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const sec = String(s % 60).padStart(2, "0");
  return h ? `${h}:${String(m).padStart(2, "0")}:${sec}` : `${m}:${sec}`;
}
