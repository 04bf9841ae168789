import { describe, expect, it } from "vitest";
import { backoff, initialState, next, type Policy, type ReconnectState } from "./reconnect";

const policy: Policy = { baseMs: 500, maxMs: 8000, maxAttempts: 4, random: () => 1 };

function run(events: Parameters<typeof next>[1][], p = policy): ReconnectState {
  return events.reduce((s, e) => next(s, e, p), initialState);
}

describe("reconnect state", () => {
  it("opens, then waits with growing delays after drops", () => {
    let s = next(initialState, { type: "open" }, policy);
    expect(s.phase).toBe("open");
    s = next(s, { type: "close", code: 1006 }, policy);
    expect(s).toEqual({ phase: "waiting", attempt: 1, delayMs: 500 });
    s = next(next(s, { type: "retry" }, policy), { type: "close", code: 1006 }, policy);
    expect(s).toEqual({ phase: "waiting", attempt: 2, delayMs: 1000 });
    s = next(next(s, { type: "retry" }, policy), { type: "close", code: 1006 }, policy);
    expect(s.delayMs).toBe(2000);
  });

  it("resets the attempt count once a connection opens again", () => {
    const s = run([{ type: "close", code: 1006 }, { type: "retry" }, { type: "open" }, { type: "close", code: 1006 }]);
    expect(s).toEqual({ phase: "waiting", attempt: 1, delayMs: 500 });
  });

  it("stops for good on an auth or not-found close", () => {
    const s = run([{ type: "open" }, { type: "close", code: 4401 }]);
    expect(s.phase).toBe("failed");
    expect(next(s, { type: "retry" }, policy)).toBe(s);
    expect(run([{ type: "close", code: 4404 }]).phase).toBe("failed");
  });

  it("is done after the terminal event and ignores the close that follows", () => {
    const s = run([{ type: "open" }, { type: "terminal" }, { type: "close", code: 1000 }]);
    expect(s.phase).toBe("done");
  });

  it("gives up after maxAttempts failures in a row", () => {
    const drop = [{ type: "close", code: 1006 } as const, { type: "retry" } as const];
    const s = run([...drop, ...drop, ...drop, ...drop, { type: "close", code: 1006 }]);
    expect(s.phase).toBe("failed");
    expect(s.attempt).toBe(5);
  });

  it("retries at once when the browser comes back online", () => {
    const s = run([{ type: "close", code: 1006 }, { type: "online" }]);
    expect(s.phase).toBe("connecting");
    expect(s.attempt).toBe(1);
  });

  it("a retry while not waiting changes nothing", () => {
    const open = run([{ type: "open" }]);
    expect(next(open, { type: "retry" }, policy)).toBe(open);
  });
});

describe("backoff", () => {
  it("is capped and jittered between half and the full delay", () => {
    expect(backoff(10, policy)).toBe(8000);
    expect(backoff(3, { ...policy, random: () => 0 })).toBe(1000);
    expect(backoff(3, { ...policy, random: () => 0.5 })).toBe(1500);
  });
});
