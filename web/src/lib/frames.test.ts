import { describe, expect, it } from "vitest";
import { activeMarkers, clock, frameToTime, issueLabel, timeToFrame, timelineMarkers } from "./frames";

describe("timeToFrame", () => {
  it("floors time × fps and clamps to the clip", () => {
    expect(timeToFrame(0, 30, 596)).toBe(0);
    expect(timeToFrame(1 / 30 - 1e-4, 30, 596)).toBe(0);
    expect(timeToFrame(7.2, 30, 596)).toBe(216);
    expect(timeToFrame(0.1, 30, 596)).toBe(3); // 0.1·30 is 2.9999… in floating point
    expect(timeToFrame(999, 30, 596)).toBe(595);
    expect(timeToFrame(-1, 30, 596)).toBe(0);
  });
  it("is 0 without a usable frame rate", () => {
    expect(timeToFrame(3, 0, 100)).toBe(0);
    expect(timeToFrame(Number.NaN, 30, 100)).toBe(0);
  });
  it("round-trips with frameToTime at every frame of a 29.97 fps clip", () => {
    const fps = 30000 / 1001;
    for (let f = 0; f < 2000; f += 1) expect(timeToFrame(frameToTime(f, fps), fps, 2000)).toBe(f);
  });
});

describe("timelineMarkers", () => {
  const reps = [
    { index: 1, startFrame: 197, endFrame: 236 },
    { index: 2, startFrame: 250, endFrame: 290 },
  ];
  const issues = [
    { type: "knee_valgus", severity: "moderate", frameStart: 200, frameEnd: 230 },
    { type: "shallow_depth", severity: "minor", frameStart: 210, frameEnd: 260 },
    { type: "heel_rise", severity: "severe", frameStart: 280, frameEnd: 280 },
  ];
  const markers = timelineMarkers(reps, issues, 596);

  it("names reps and issues as the browser tests expect", () => {
    expect(markers.map((m) => m.label)).toEqual([
      "Rep 1",
      "Rep 2",
      "Knee valgus (frames 200–230)",
      "Shallow depth (frames 210–260)",
      "Heel rise (frames 280–280)",
    ]);
    expect(issueLabel(issues[0])).toBe("Knee valgus (frames 200–230)");
  });
  it("places ranges in percent of the clip", () => {
    const rep1 = markers[0];
    expect(rep1.left).toBeCloseTo((197 / 596) * 100, 6);
    expect(rep1.width).toBeCloseTo((40 / 596) * 100, 6);
  });
  it("keeps a one-frame issue wide enough to click", () => {
    expect(markers[4].width).toBeGreaterThanOrEqual(0.8);
  });
  it("stacks overlapping issues in separate lanes and reuses free lanes", () => {
    expect(markers[2].lane).toBe(0);
    expect(markers[3].lane).toBe(1);
    expect(markers[4].lane).toBe(0); // starts after knee_valgus ended
  });
  it("finds the markers playing at a frame", () => {
    expect(activeMarkers(markers, 215).map((m) => m.label)).toEqual([
      "Rep 1",
      "Knee valgus (frames 200–230)",
      "Shallow depth (frames 210–260)",
    ]);
    expect(activeMarkers(markers, 10)).toEqual([]);
  });
  it("never leaves the timeline at the end of the clip", () => {
    const [m] = timelineMarkers([{ index: 1, startFrame: 595, endFrame: 700 }], [], 596);
    expect(m.left + m.width).toBeLessThanOrEqual(100);
  });
});

describe("clock", () => {
  it("formats seconds", () => {
    expect(clock(7.4)).toBe("0:07");
    expect(clock(62)).toBe("1:02");
    expect(clock(596 / 30)).toBe("0:19"); // a 19.87 s clip, as the player shows it
    expect(clock(3723)).toBe("1:02:03");
    expect(clock(Number.NaN)).toBe("–:––");
  });
});

