import { afterEach, describe, expect, it, vi } from "vitest";
import { uploadVideo } from "./upload";

/** A stand-in XMLHttpRequest that records the request and lets the test answer it. */
class FakeXhr {
  static last: FakeXhr;
  method = "";
  url = "";
  headers: Record<string, string> = {};
  body: FormData | null = null;
  status = 0;
  response: unknown = null;
  responseType = "";
  upload: { onprogress: ((e: { lengthComputable: boolean; loaded: number; total: number }) => void) | null } = { onprogress: null };
  onload: (() => void) | null = null;
  onerror: (() => void) | null = null;
  onabort: (() => void) | null = null;
  constructor() {
    FakeXhr.last = this;
  }
  open(method: string, url: string) {
    this.method = method;
    this.url = url;
  }
  setRequestHeader(k: string, v: string) {
    this.headers[k] = v;
  }
  send(body: FormData) {
    this.body = body;
  }
  abort() {
    this.onabort?.();
  }
  answer(status: number, response: unknown) {
    this.status = status;
    this.response = response;
    this.onload?.();
  }
}

afterEach(() => vi.unstubAllGlobals());

function start(exercise: { name: string; id?: string } | null = { name: "Squat", id: "ex-1" }) {
  vi.stubGlobal("XMLHttpRequest", FakeXhr);
  const seen: number[] = [];
  const handle = uploadVideo(new Blob(["video"]), "set.webm", exercise, (f) => seen.push(f));
  return { handle, xhr: FakeXhr.last, seen };
}

describe("uploadVideo", () => {
  it("posts the file and the exercise, reports progress, resolves with the session", async () => {
    const { handle, xhr, seen } = start();
    expect([xhr.method, xhr.url]).toEqual(["POST", "/v1/analysis/upload"]);
    expect(xhr.body?.get("exerciseName")).toBe("Squat");
    expect(xhr.body?.get("exerciseId")).toBe("ex-1");
    expect((xhr.body?.get("video") as File).name).toBe("set.webm");
    xhr.upload.onprogress?.({ lengthComputable: true, loaded: 50, total: 200 });
    xhr.upload.onprogress?.({ lengthComputable: true, loaded: 200, total: 200 });
    xhr.answer(201, { success: true, data: { sessionId: "s1", status: "pending" } });
    await expect(handle.promise).resolves.toEqual({ sessionId: "s1", status: "pending" });
    expect(seen).toEqual([0.25, 1]);
  });

  it("sends no exercise when the service is to recognise it", () => {
    const { xhr } = start(null);
    expect(xhr.body?.has("exerciseName")).toBe(false);
    expect(xhr.body?.has("exerciseId")).toBe(false);
  });

  it("rejects with the server's error code", async () => {
    const { handle, xhr } = start();
    xhr.answer(413, { success: false, error: { code: "FILE_TOO_LARGE", message: "file exceeds 100 MB" } });
    await expect(handle.promise).rejects.toMatchObject({ code: "FILE_TOO_LARGE", status: 413 });
  });

  it("cancels as an AbortError, and a dropped connection is a network error", async () => {
    const a = start();
    a.handle.cancel();
    await expect(a.handle.promise).rejects.toMatchObject({ name: "AbortError" });
    const b = start();
    b.xhr.onerror?.();
    await expect(b.handle.promise).rejects.toMatchObject({ code: "NETWORK_ERROR" });
  });
});
