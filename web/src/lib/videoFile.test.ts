import { describe, expect, it } from "vitest";
import { MAX_BYTES, checkDuration, checkFile } from "./videoFile";

describe("checkFile", () => {
  it("accepts the containers the service reads, by type or by name", () => {
    expect(checkFile({ name: "a.mp4", type: "video/mp4", size: 10 })).toBeNull();
    expect(checkFile({ name: "rec.webm", type: "video/webm;codecs=vp9", size: 10 })).toBeNull();
    expect(checkFile({ name: "IMG_1.MOV", type: "", size: 10 })).toBeNull();
  });
  it("refuses other files, empty files and files over 100 MB", () => {
    expect(checkFile({ name: "notes.txt", type: "text/plain", size: 10 })).toMatch(/not a video/);
    expect(checkFile({ name: "a.mp4", type: "video/mp4", size: 0 })).toMatch(/empty/);
    expect(checkFile({ name: "a.mp4", type: "video/mp4", size: MAX_BYTES + 1 })).toMatch(/limit is 100 MB/);
    expect(checkFile({ name: "a.mp4", type: "video/mp4", size: MAX_BYTES })).toBeNull();
  });
});

describe("checkDuration", () => {
  it("refuses more than 5 minutes and lets unknown durations through", () => {
    expect(checkDuration(300)).toBeNull();
    expect(checkDuration(301)).toBe("The video is 5 min 1 s long; the limit is 5 minutes. Trim it to one set.");
    expect(checkDuration(null)).toBeNull();
    expect(checkDuration(Number.POSITIVE_INFINITY)).toBeNull();
  });
});
