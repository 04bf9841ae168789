import { describe, expect, it } from "vitest";
import { unwrap } from "./client";
import { ApiError } from "./errors";

const response = (status: number) => ({ ok: status < 400, status }) as Response;

describe("unwrap", () => {
  it("returns the envelope's data", async () => {
    await expect(unwrap(Promise.resolve({ data: { success: true, data: { n: 1 } }, response: response(200) }))).resolves.toEqual({ n: 1 });
  });
  it("returns nothing for 204 No Content", async () => {
    await expect(unwrap(Promise.resolve({ data: undefined, response: response(204) }))).resolves.toBeUndefined();
  });
  it("throws the server's error as an ApiError", async () => {
    const call = unwrap(
      Promise.resolve({ error: { success: false, error: { code: "CONFLICT", message: "email already registered" } }, response: response(409) }),
    );
    await expect(call).rejects.toMatchObject({ code: "CONFLICT", status: 409, message: "email already registered" });
  });
  it("turns a failed fetch into NETWORK_ERROR", async () => {
    const err = (await unwrap(Promise.reject(new TypeError("Failed to fetch"))).catch((e: unknown) => e)) as ApiError;
    expect(err).toBeInstanceOf(ApiError);
    expect(err.code).toBe("NETWORK_ERROR");
  });
});
