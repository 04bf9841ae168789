/**
 * When to reconnect a dropped WebSocket: a small pure state machine, so the policy is tested
 * without sockets or timers. The hook in components/useAnalysisSocket drives it.
 */

export type Phase = "connecting" | "open" | "waiting" | "done" | "failed";

export interface ReconnectState {
  phase: Phase;
  /** Failed connections in a row (reset once a connection opens). */
  attempt: number;
  /** Milliseconds to wait before the next try, when phase is "waiting". */
  delayMs: number;
  /** Why it stopped, when phase is "failed". */
  reason?: string;
}

export type ReconnectEvent =
  | { type: "open" }
  | { type: "terminal" } // analysis_complete or an error event that ends the analysis
  | { type: "close"; code: number }
  | { type: "retry" } // the wait is over
  | { type: "online" }; // the browser came back online: retry now

export interface Policy {
  baseMs: number;
  maxMs: number;
  maxAttempts: number;
  /** 0..1, from Math.random in the app; fixed in tests. */
  random: () => number;
}

export const DEFAULT_POLICY: Policy = { baseMs: 500, maxMs: 15000, maxAttempts: 12, random: Math.random };

/** Close codes after which trying again cannot help (bad token, not your session). */
export const FINAL_CLOSE_CODES = new Set([4401, 4403, 4404, 1008]);

export const initialState: ReconnectState = { phase: "connecting", attempt: 0, delayMs: 0 };

/** Exponential backoff with "equal jitter": half fixed, half random, capped. */
export function backoff(attempt: number, policy: Policy): number {
  const exp = Math.min(policy.maxMs, policy.baseMs * 2 ** Math.max(attempt - 1, 0));
  return Math.round(exp / 2 + (exp / 2) * policy.random());
}

export function next(state: ReconnectState, event: ReconnectEvent, policy: Policy = DEFAULT_POLICY): ReconnectState {
  if (state.phase === "done" || state.phase === "failed") return state;
  switch (event.type) {
    case "open":
      return { phase: "open", attempt: 0, delayMs: 0 };
    case "terminal":
      return { phase: "done", attempt: 0, delayMs: 0 };
    case "close": {
      if (FINAL_CLOSE_CODES.has(event.code)) {
        return { phase: "failed", attempt: state.attempt, delayMs: 0, reason: `closed with code ${event.code}` };
      }
      const attempt = state.attempt + 1;
      if (attempt > policy.maxAttempts) {
        return { phase: "failed", attempt, delayMs: 0, reason: "gave up after repeated failures" };
      }
      return { phase: "waiting", attempt, delayMs: backoff(attempt, policy) };
    }
    case "retry":
      return state.phase === "waiting" ? { ...state, phase: "connecting", delayMs: 0 } : state;
    case "online":
      return state.phase === "waiting" ? { ...state, phase: "connecting", delayMs: 0 } : state;
  }
}
