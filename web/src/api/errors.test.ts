import { describe, expect, it } from "vitest";
import { ApiError, adviceFor, describeError, errorField, toApiError } from "./errors";

describe("toApiError", () => {
  it("reads the spec's error envelope", () => {
    const e = toApiError(
      { success: false, error: { code: "FILE_TOO_LARGE", message: "file exceeds 100 MB", details: { field: "video" }, requestId: "r1" } },
      413,
    );
    expect(e).toBeInstanceOf(ApiError);
    expect(e.code).toBe("FILE_TOO_LARGE");
    expect(e.status).toBe(413);
    expect(e.requestId).toBe("r1");
    expect(errorField(e)).toBe("video");
  });
  it("makes a code from the status when the body is not an envelope", () => {
    expect(toApiError("<html>", 502).code).toBe("INTERNAL_ERROR");
    expect(toApiError(null, 404).code).toBe("NOT_FOUND");
    expect(toApiError(undefined, 0).code).toBe("NETWORK_ERROR");
  });
});

describe("describeError", () => {
  it("gives the server's message as a sentence, then what to do", () => {
    const e = new ApiError("NO_PERSON_DETECTED", "no person was detected in the video", 422);
    const text = describeError(e);
    expect(text.startsWith("No person was detected in the video. ")).toBe(true);
    expect(text).toContain("whole body");
  });
  it("falls back to a plain sentence for a network failure", () => {
    expect(describeError(new ApiError("NETWORK_ERROR", "", 0))).toBe(
      "Biome could not be reached. Check your connection and try again.",
    );
  });
  it("keeps a validation message as is, without advice", () => {
    expect(describeError(new ApiError("VALIDATION_ERROR", "password must be at least 8 characters", 400))).toBe(
      "Password must be at least 8 characters.",
    );
  });
  it("describes a cancelled upload and unknown throws", () => {
    expect(describeError(new DOMException("x", "AbortError"))).toBe("Cancelled.");
    expect(describeError(42)).toBe("Something went wrong.");
  });
  it("has advice for the codes an analysis can fail with", () => {
    for (const code of ["NO_PERSON_DETECTED", "UNSUPPORTED_FORMAT", "PROCESSING_ERROR", "RATE_LIMIT_EXCEEDED"]) {
      expect(adviceFor(code)).toBeTruthy();
    }
    expect(adviceFor("SOMETHING_NEW")).toBeUndefined();
  });
});
