import { describe, expect, it } from "vitest";
import { lookedAt } from "./chatTools";

describe("lookedAt", () => {
  it("says what the coach looked at, with the tool's arguments", () => {
    expect(lookedAt("get_rep", { rep_number: 3 })).toBe("rep 3");
    expect(lookedAt("get_fault_frames", { issue_type: "knee_valgus" })).toBe("the frames with knee valgus");
    expect(lookedAt("compare_with_history", {})).toBe("your earlier sessions of this exercise");
  });
  it("humanises a tool it does not know", () => {
    expect(lookedAt("get_sleep_data", undefined)).toBe("sleep data");
  });
});
