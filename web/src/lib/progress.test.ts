import { describe, expect, it } from "vitest";
import { exerciseKey, progressFor } from "./progress";
import type { Timeline } from "../api/types";

const timeline: Timeline = {
  sessions: [
    { sessionId: "b", date: "2026-11-03T10:00:00Z", exerciseId: "sq", exerciseName: "Squat", overallScore: 7.5, repCount: 6, faults: { knee_valgus: 2 } },
    { sessionId: "a", date: "2026-11-01T10:00:00Z", exerciseId: "sq", exerciseName: "Squat", overallScore: null, repCount: null, faults: { shallow_depth: 1, knee_valgus: 1 } },
    { sessionId: "c", date: "2026-11-02T10:00:00Z", exerciseId: "pu", exerciseName: "Push-up", overallScore: 9, repCount: 10, faults: {} },
  ],
  exercises: [],
};

describe("progressFor", () => {
  it("keeps one exercise's sessions, oldest first, with gaps as null", () => {
    const p = progressFor(timeline, "sq");
    expect(p.sessionIds).toEqual(["a", "b"]);
    expect(p.scores).toEqual([null, 7.5]);
    expect(p.reps).toEqual([null, 6]);
    expect(p.times[0]).toBe(Date.parse("2026-11-01T10:00:00Z") / 1000);
  });
  it("counts each fault per session, most frequent fault first", () => {
    const p = progressFor(timeline, "sq");
    expect(p.faults).toEqual(["knee_valgus", "shallow_depth"]);
    expect(p.counts).toEqual([
      [1, 1],
      [2, 0],
    ]);
  });
  it("keys exercises without an id by name", () => {
    expect(exerciseKey({ exerciseId: null, exerciseName: "Custom" })).toBe("name:Custom");
    expect(progressFor(timeline, "name:Custom").sessionIds).toEqual([]);
  });
});
