import { describe, expect, it } from "vitest";
import { containBox, drawPose, type Ctx2D } from "./overlay";

/** A 2D context that records what was drawn. */
function recorder() {
  const calls: (string | number)[][] = [];
  const ctx: Ctx2D & { calls: typeof calls } = {
    calls,
    strokeStyle: "",
    fillStyle: "",
    lineWidth: 1,
    lineCap: "butt",
    clearRect: (...a) => calls.push(["clearRect", ...a]),
    beginPath: () => calls.push(["beginPath"]),
    moveTo: (...a) => calls.push(["moveTo", ...a]),
    lineTo: (...a) => calls.push(["lineTo", ...a]),
    stroke: () => calls.push(["stroke"]),
    arc: (x, y, r) => calls.push(["arc", x, y, r]),
    fill: () => calls.push(["fill"]),
  };
  return ctx;
}

// Three landmarks: 0 at the centre, 1 at the top-left corner, 2 hidden (visibility 1).
const frame = [500, 500, 9, 0, 0, 9, 1000, 1000, 1];

describe("containBox", () => {
  it("letterboxes a wide video in a tall element", () => {
    expect(containBox(1280, 720, 390, 400)).toEqual({ x: 0, y: (400 - 219.375) / 2, width: 390, height: 219.375 });
  });
  it("pillarboxes a portrait video in a wide element", () => {
    const b = containBox(720, 1280, 800, 450);
    expect(b.height).toBe(450);
    expect(b.x).toBeCloseTo((800 - 253.125) / 2);
  });
});

describe("drawPose", () => {
  const box = { x: 10, y: 20, width: 200, height: 100 };
  const size = { width: 220, height: 140 };

  it("maps per-mille coordinates into the video's box and draws visible bones", () => {
    const ctx = recorder();
    const bones = drawPose(ctx, frame, [[0, 1], [0, 2]], box, size);
    expect(bones).toBe(1);
    expect(ctx.calls[0]).toEqual(["clearRect", 0, 0, 220, 140]);
    expect(ctx.calls).toContainEqual(["moveTo", 110, 70]);
    expect(ctx.calls).toContainEqual(["lineTo", 10, 20]);
    // The hidden joint is neither a bone end nor a dot.
    expect(ctx.calls.some((c) => c[0] === "lineTo" && c[1] === 210)).toBe(false);
    expect(ctx.calls.filter((c) => c[0] === "arc").map((c) => [c[1], c[2]])).toEqual([
      [110, 70],
      [10, 20],
    ]);
  });

  it("only clears the canvas for a frame without a person", () => {
    const ctx = recorder();
    expect(drawPose(ctx, null, [[0, 1]], box, size)).toBe(0);
    expect(ctx.calls).toEqual([["clearRect", 0, 0, 220, 140]]);
  });

  it("ignores connections to landmarks the frame does not have", () => {
    const ctx = recorder();
    expect(drawPose(ctx, frame, [[0, 40]], box, size)).toBe(0);
    expect(ctx.calls.some((c) => c[0] === "stroke")).toBe(false);
  });

  it("honours a lower visibility threshold", () => {
    const ctx = recorder();
    expect(drawPose(ctx, frame, [[0, 2]], box, size, { minVisibility: 1 })).toBe(1);
    expect(ctx.calls).toContainEqual(["lineTo", 210, 120]);
  });
});
