import { describe, expect, it } from "vitest";
import { signalLabel, thresholdsFromMetrics } from "./thresholds";

const metrics = [
  { name: "Rep Count", target: "—" },
  { name: "Knee Angle (bottom)", target: "≤ 90°" },
  { name: "Knee Angle (top)", target: ">= 160.5°" },
  { name: "Hip Angle (bottom)", target: "≤ 70°" },
  { name: "Knee Angle spread", target: "within 10°" },
];

describe("thresholdsFromMetrics", () => {
  it("takes the bounds of metrics about the plotted signal", () => {
    expect(thresholdsFromMetrics("Knee Angle", metrics)).toEqual([
      { label: "(bottom) target ≤ 90°", value: 90 },
      { label: "(top) target >= 160.5°", value: 160.5 },
    ]);
  });
  it("matches a series named by its signal key", () => {
    expect(signalLabel("knee_angle")).toBe("Knee Angle");
    expect(thresholdsFromMetrics(signalLabel("knee_angle"), metrics)).toHaveLength(2);
  });
  it("is empty without a label or a matching bound", () => {
    expect(thresholdsFromMetrics(undefined, metrics)).toEqual([]);
    expect(thresholdsFromMetrics("Elbow Angle", metrics)).toEqual([]);
  });
});
