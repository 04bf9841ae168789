import { describe, expect, it } from "vitest";
import { DEFAULT_SPEECH, FramePacer, SentFrames, decodeHeader, downscale, encodeHeader, loadSpeech, saveSpeech, speechKey } from "./live";

class MemoryStore {
  data = new Map<string, string>();
  getItem(k: string) {
    return this.data.get(k) ?? null;
  }
  setItem(k: string, v: string) {
    this.data.set(k, v);
  }
}

describe("frame header", () => {
  it("is 12 little-endian bytes: float64 ms then uint32 seq", () => {
    const buf = encodeHeader(1234.5, 258);
    expect(buf.byteLength).toBe(12);
    const bytes = new Uint8Array(buf);
    // uint32 258 little-endian = 02 01 00 00
    expect([...bytes.slice(8)]).toEqual([2, 1, 0, 0]);
    expect(new DataView(buf).getFloat64(0, true)).toBe(1234.5);
    expect(decodeHeader(buf)).toEqual({ captureMs: 1234.5, seq: 258 });
  });
});

describe("FramePacer", () => {
  it("sends one frame at a time until answered", () => {
    const p = new FramePacer(500);
    expect(p.take(0)).toBe(1);
    expect(p.take(10)).toBeNull();
    p.answered(1);
    expect(p.take(20)).toBe(2);
  });
  it("sends again after the timeout when no answer comes", () => {
    const p = new FramePacer(500);
    expect(p.take(0)).toBe(1);
    expect(p.take(499)).toBeNull();
    expect(p.take(500)).toBe(2);
  });
  it("ignores a late answer to an older frame", () => {
    const p = new FramePacer(500);
    p.take(0);
    p.take(600); // seq 2 in flight
    p.answered(1);
    expect(p.take(610)).toBeNull();
    p.answered(2);
    expect(p.take(620)).toBe(3);
  });
});

describe("SentFrames", () => {
  it("gives the image the answer was computed from and forgets older ones", () => {
    const s = new SentFrames<string>(8);
    s.add(1, "a");
    s.add(2, "b");
    s.add(3, "c");
    expect(s.match(2)).toBe("b");
    expect(s.match(1)).toBeUndefined();
    expect(s.size).toBe(1);
    expect(s.match(3)).toBe("c");
  });
  it("keeps only the newest few", () => {
    const s = new SentFrames<number>(2);
    s.add(1, 1);
    s.add(2, 2);
    s.add(3, 3);
    expect(s.match(1)).toBeUndefined();
    expect(s.match(3)).toBe(3);
  });
});

describe("speech settings", () => {
  it("are kept per user", () => {
    const store = new MemoryStore();
    saveSpeech(store, "u1", { muted: true, voice: "Daniel" });
    expect(loadSpeech(store, "u1")).toEqual({ muted: true, voice: "Daniel" });
    expect(loadSpeech(store, "u2")).toEqual(DEFAULT_SPEECH);
    expect(store.data.has(speechKey("u1"))).toBe(true);
  });
  it("fall back to the defaults on garbage or without a user", () => {
    const store = new MemoryStore();
    store.setItem(speechKey("u1"), "{not json");
    expect(loadSpeech(store, "u1")).toEqual(DEFAULT_SPEECH);
    store.setItem(speechKey("u1"), JSON.stringify({ muted: "yes", voice: 3 }));
    expect(loadSpeech(store, "u1")).toEqual(DEFAULT_SPEECH);
    saveSpeech(store, undefined, { muted: true, voice: null });
    expect(loadSpeech(store, undefined)).toEqual(DEFAULT_SPEECH);
  });
});

describe("downscale", () => {
  it("caps the long side and keeps the aspect", () => {
    expect(downscale(1920, 1080)).toEqual({ width: 640, height: 360 });
    expect(downscale(1080, 1920)).toEqual({ width: 360, height: 640 });
    expect(downscale(320, 240)).toEqual({ width: 320, height: 240 });
  });
});
