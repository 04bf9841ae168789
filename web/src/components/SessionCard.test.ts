import { describe, expect, it } from "vitest";
import { exerciseLabel } from "./SessionCard";

describe("exerciseLabel", () => {
  it("names the exercise when the session has one", () => {
    expect(exerciseLabel({ exerciseName: "Squat", status: "pending" })).toBe("Squat");
  });
  it("says the exercise is being recognised while an unnamed analysis waits or runs", () => {
    expect(exerciseLabel({ exerciseName: "", status: "pending" })).toBe("Recognising…");
    expect(exerciseLabel({ exerciseName: "", status: "processing" })).toBe("Recognising…");
  });
  it("does not claim recognition is under way for a finished or failed session", () => {
    expect(exerciseLabel({ exerciseName: "", status: "failed" })).toBe("Unnamed exercise");
    expect(exerciseLabel({ exerciseName: "" })).toBe("Unnamed exercise");
  });
});
