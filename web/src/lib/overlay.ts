/** Drawing the pose track's skeleton over the video, on a canvas the size of the player. */

export interface PoseTrack {
  fps: number;
  width: number;
  height: number;
  frameCount: number;
  connections: number[][];
  /** frames[i]: 33 landmarks × [x‰, y‰, visibility 0–9], or null when nobody was found. */
  frames: (number[] | null)[];
}

/** The part of CanvasRenderingContext2D the overlay uses (so tests can record calls). */
export interface Ctx2D {
  clearRect(x: number, y: number, w: number, h: number): void;
  beginPath(): void;
  moveTo(x: number, y: number): void;
  lineTo(x: number, y: number): void;
  stroke(): void;
  arc(x: number, y: number, r: number, start: number, end: number): void;
  fill(): void;
  strokeStyle: string | CanvasGradient | CanvasPattern;
  fillStyle: string | CanvasGradient | CanvasPattern;
  lineWidth: number;
  lineCap: CanvasLineCap;
}

export interface Box {
  x: number;
  y: number;
  width: number;
  height: number;
}

/** Where a video of vw×vh is drawn inside a cw×ch element with object-fit: contain. */
export function containBox(vw: number, vh: number, cw: number, ch: number): Box {
  if (!(vw > 0 && vh > 0 && cw > 0 && ch > 0)) return { x: 0, y: 0, width: cw, height: ch };
  const scale = Math.min(cw / vw, ch / vh);
  const width = vw * scale;
  const height = vh * scale;
  return { x: (cw - width) / 2, y: (ch - height) / 2, width, height };
}

/** Visibility (0–9) below which a joint is not drawn: MediaPipe still guesses hidden joints. */
export const MIN_VISIBILITY = 5;

export interface DrawOptions {
  boneColor?: string;
  jointColor?: string;
  lineWidth?: number;
  radius?: number;
  minVisibility?: number;
}

/**
 * Draws one frame's skeleton into `box` (the video's drawn area). Returns how many bones were
 * drawn (0 when the frame has no pose), which the player uses to say "no person in this frame".
 */
export function drawPose(
  ctx: Ctx2D,
  landmarks: number[] | null | undefined,
  connections: number[][],
  box: Box,
  canvasSize: { width: number; height: number },
  opts: DrawOptions = {},
): number {
  ctx.clearRect(0, 0, canvasSize.width, canvasSize.height);
  if (!landmarks || landmarks.length < 3) return 0;
  const minVis = opts.minVisibility ?? MIN_VISIBILITY;
  const count = Math.floor(landmarks.length / 3);
  const point = (i: number): [number, number] | null => {
    if (i < 0 || i >= count || landmarks[i * 3 + 2] < minVis) return null;
    return [box.x + (landmarks[i * 3] / 1000) * box.width, box.y + (landmarks[i * 3 + 1] / 1000) * box.height];
  };
  ctx.lineWidth = opts.lineWidth ?? Math.max(2, box.width / 320);
  ctx.lineCap = "round";
  ctx.strokeStyle = opts.boneColor ?? "rgba(52, 211, 153, 0.95)";
  let bones = 0;
  const used = new Set<number>();
  ctx.beginPath();
  for (const [a, b] of connections) {
    const pa = point(a);
    const pb = point(b);
    if (!pa || !pb) continue;
    ctx.moveTo(pa[0], pa[1]);
    ctx.lineTo(pb[0], pb[1]);
    used.add(a).add(b);
    bones += 1;
  }
  if (bones) ctx.stroke();
  ctx.fillStyle = opts.jointColor ?? "#ffffff";
  const r = opts.radius ?? Math.max(2.5, box.width / 220);
  for (const i of used) {
    const p = point(i)!;
    ctx.beginPath();
    ctx.arc(p[0], p[1], r, 0, Math.PI * 2);
    ctx.fill();
  }
  return bones;
}
