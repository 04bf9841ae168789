/** The live coaching socket's pure parts: frame header, pacing, matching answers to frames, speech settings. */

/** The bones of the 33-landmark pose (tools/pose_wire.CONNECTIONS; live answers do not repeat them). */
export const LIVE_CONNECTIONS: number[][] = [
  [11, 12], [23, 24], [11, 13], [13, 15], [11, 23], [23, 25], [25, 27], [27, 29], [29, 31], [27, 31],
  [12, 14], [14, 16], [12, 24], [24, 26], [26, 28], [28, 30], [30, 32], [28, 32], [0, 11], [0, 12],
];

export const HEADER_BYTES = 12;

/** docs/live.md: float64 capture time (ms) then uint32 sequence number, little-endian. */
export function encodeHeader(captureMs: number, seq: number): ArrayBuffer {
  const buf = new ArrayBuffer(HEADER_BYTES);
  const view = new DataView(buf);
  view.setFloat64(0, captureMs, true);
  view.setUint32(8, seq >>> 0, true);
  return buf;
}

export function decodeHeader(buf: ArrayBuffer): { captureMs: number; seq: number } {
  const view = new DataView(buf);
  return { captureMs: view.getFloat64(0, true), seq: view.getUint32(8, true) };
}

/**
 * Latency before throughput: one frame in flight. The next is sent when the previous one was
 * answered, or after `timeoutMs` (an answer lost to a dropped frame must not stall the stream).
 */
export class FramePacer {
  private inFlight: { seq: number; at: number } | null = null;
  private nextSeq = 1;
  constructor(private readonly timeoutMs = 500) {}

  /** The sequence number to send now, or null while waiting for an answer. */
  take(now: number): number | null {
    if (this.inFlight && now - this.inFlight.at < this.timeoutMs) return null;
    const seq = this.nextSeq++;
    this.inFlight = { seq, at: now };
    return seq;
  }

  /** An answer for `seq` (or a later frame) frees the slot; an older straggler does not. */
  answered(seq: number): void {
    if (this.inFlight && seq >= this.inFlight.seq) this.inFlight = null;
  }
}

/**
 * The images sent, by seq, so an answer's skeleton is drawn on the image it was computed from,
 * not on the newest camera frame. Keeps only a few; older ones are forgotten.
 */
export class SentFrames<T> {
  private readonly items = new Map<number, T>();
  constructor(private readonly keep = 8) {}

  add(seq: number, item: T): void {
    this.items.set(seq, item);
    while (this.items.size > this.keep) {
      const oldest = this.items.keys().next().value as number;
      this.items.delete(oldest);
    }
  }

  /** The image for `seq`, dropping it and every older one (answers come in order). */
  match(seq: number): T | undefined {
    const item = this.items.get(seq);
    for (const k of [...this.items.keys()]) if (k <= seq) this.items.delete(k);
    return item;
  }

  get size(): number {
    return this.items.size;
  }
}

export interface SpeechSettings {
  muted: boolean;
  /** SpeechSynthesisVoice.voiceURI, or null for the browser's default voice. */
  voice: string | null;
}

export const DEFAULT_SPEECH: SpeechSettings = { muted: false, voice: null };

export interface KeyValueStore {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
}

export function speechKey(userId: string): string {
  return `biome.live.speech.${userId}`;
}

export function loadSpeech(store: KeyValueStore | undefined, userId: string | undefined): SpeechSettings {
  if (!store || !userId) return { ...DEFAULT_SPEECH };
  try {
    const raw = JSON.parse(store.getItem(speechKey(userId)) ?? "null");
    if (!raw || typeof raw !== "object") return { ...DEFAULT_SPEECH };
    return {
      muted: raw.muted === true,
      voice: typeof raw.voice === "string" && raw.voice ? raw.voice : null,
    };
  } catch {
    return { ...DEFAULT_SPEECH };
  }
}

export function saveSpeech(store: KeyValueStore | undefined, userId: string | undefined, s: SpeechSettings): void {
  if (!store || !userId) return;
  try {
    store.setItem(speechKey(userId), JSON.stringify({ muted: s.muted, voice: s.voice }));
  } catch {
    // Storage full or disabled: the choice lasts as long as the page.
  }
}

/** Width and height of a frame scaled so its long side is at most `maxSide`. */
export function downscale(width: number, height: number, maxSide = 640): { width: number; height: number } {
  const long = Math.max(width, height);
  if (!(long > 0)) return { width: 0, height: 0 };
  const k = Math.min(1, maxSide / long);
  return { width: Math.round(width * k), height: Math.round(height * k) };
}

export type LiveMessage =
  | { type: "ready"; slots: number }
  | {
      type: "frame";
      seq: number;
      captureTime: number;
      landmarks: number[] | null;
      phase: string | null;
      angle: number | null;
      repCount: number;
      dropped: number;
    }
  | { type: "setup"; kind: string; message: string }
  | { type: "rep"; number: number; measurements: Record<string, unknown> }
  | { type: "cue"; rep: number; issueType: string; severity: string; text: string }
  | { type: "praise"; rep: number; issueType: string; text: string }
  | {
      type: "summary";
      sessionId: string;
      resultId: string;
      repCount: number | null;
      liveRepCount: number;
      overallScore: number | null;
      unratedReason: string | null;
      framesProcessed: number;
      framesDropped: number;
    }
  | { type: "error"; data: { code: string; message: string } };
