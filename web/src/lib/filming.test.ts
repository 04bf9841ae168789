import { describe, expect, it } from "vitest";
import { coverageLine, filmingAdvice, viewCoverage } from "./filming";

// The squat's checks as the catalog gives them.
const squat = [
  { issue: "Shallow depth", views: ["side", "front", "rear", "oblique"] },
  { issue: "Knee valgus", views: ["front", "rear"] },
  { issue: "Forward lean", views: ["side", "oblique"] },
  { issue: "Heel rise", views: ["side", "oblique"] },
  { issue: "Asymmetry", views: ["front", "rear", "oblique"] },
];

describe("viewCoverage", () => {
  it("ranks views by how many checks they allow, the catalog order breaking ties", () => {
    const rows = viewCoverage(["side", "front", "rear", "oblique"], squat);
    expect(rows.map((r) => [r.view, r.covered])).toEqual([
      ["oblique", 4],
      ["side", 3],
      ["front", 3],
      ["rear", 3],
    ]);
    expect(rows[1].missing).toEqual(["Knee valgus", "Asymmetry"]);
  });
  it("ignores views it does not know", () => {
    expect(viewCoverage(["upside-down"], squat)).toEqual([]);
  });
});

describe("filmingAdvice", () => {
  it("names the best view and what it cannot check", () => {
    expect(filmingAdvice(["side", "front", "rear", "oblique"], squat)).toBe("Film at a 45° angle: 4 of 5 checks (not knee valgus).");
  });
  it("says all checks when one view makes them all", () => {
    expect(filmingAdvice(["side", "oblique"], [{ issue: "Hip sag", views: ["side", "oblique"] }])).toBe("Film from the side: its one check.");
    expect(coverageLine({ view: "front", phrase: "from the front", covered: 0, total: 0, missing: [] })).toBe("from the front");
  });
  it("says nothing when the catalog gives no view", () => {
    expect(filmingAdvice(undefined)).toBeNull();
    expect(filmingAdvice([], squat)).toBeNull();
  });
});
