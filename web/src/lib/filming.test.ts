import { describe, expect, it } from "vitest";
import { filmingAdvice } from "./filming";
describe("filmingAdvice", () => {
  it("puts the best view first and lists the others", () => {
    expect(filmingAdvice(["side", "oblique"])).toBe("Film from the side (also works at a 45° angle).");
    expect(filmingAdvice(["side", "front", "oblique"])).toBe("Film from the side (also works from the front or at a 45° angle).");
    expect(filmingAdvice(["front"])).toBe("Film from the front.");
  });
  it("says nothing when the catalog gives no view", () => {
    expect(filmingAdvice(undefined)).toBeNull();
    expect(filmingAdvice(["upside-down"])).toBeNull();
  });
});
