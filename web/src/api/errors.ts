/** API errors as plain sentences a person can act on. */

export interface ErrorEnvelope {
  success: false;
  error: { code: string; message: string; details?: unknown; requestId?: string };
}

export class ApiError extends Error {
  readonly code: string;
  readonly status: number;
  readonly details: unknown;
  readonly requestId?: string;

  constructor(code: string, message: string, status = 0, details?: unknown, requestId?: string) {
    super(message);
    this.name = "ApiError";
    this.code = code;
    this.status = status;
    this.details = details;
    this.requestId = requestId;
  }
}

/** What to do next, per error code: shown under the server's own message. */
const ADVICE: Record<string, string> = {
  AUTHENTICATION_ERROR: "Please log in again.",
  AUTHORIZATION_ERROR: "Your account is not allowed to do this.",
  SESSION_NOT_FOUND: "This analysis does not exist or is not yours.",
  NOT_FOUND: "It may have been deleted.",
  CONFLICT: "",
  FILE_TOO_LARGE: "Trim the video or record a shorter set; the limit is 100 MB.",
  UNSUPPORTED_FORMAT: "Use an MP4, MOV, AVI or WebM video of at most 5 minutes.",
  RESULTS_NOT_READY: "The analysis is still running; results appear when it finishes.",
  RATE_LIMIT_EXCEEDED: "You are going a bit fast. Wait a minute and try again.",
  RATE_LIMITED: "You are going a bit fast. Wait a minute and try again.",
  NO_PERSON_DETECTED:
    "Film so your whole body is in the picture from head to feet, in good light, with the camera still at hip height about 2–3 m away.",
  PROCESSING_ERROR: "Try again in a moment, or with another video.",
  INTERNAL_ERROR: "Something went wrong on our side. Try again in a moment.",
  SERVICE_UNAVAILABLE: "The service is busy or restarting. Try again in a moment.",
  NETWORK_ERROR: "Check your connection and try again.",
};

/** Fallback sentences when the server sent no message of its own. */
const DEFAULT_MESSAGE: Record<string, string> = {
  AUTHENTICATION_ERROR: "You are not logged in.",
  NETWORK_ERROR: "Biome could not be reached.",
  NO_PERSON_DETECTED: "No person was found in the video.",
};

function sentence(text: string): string {
  const t = text.trim();
  if (!t) return t;
  const first = t[0].toUpperCase() + t.slice(1);
  return /[.!?]$/.test(first) ? first : `${first}.`;
}

/** One readable paragraph: what went wrong, then what to do about it. */
export function describeError(err: unknown): string {
  if (err instanceof ApiError) {
    const base = sentence(err.message || DEFAULT_MESSAGE[err.code] || "The request failed");
    const advice = ADVICE[err.code];
    return advice && !base.includes(advice) ? `${base} ${advice}` : base;
  }
  if (err instanceof Error) {
    if (err.name === "AbortError") return "Cancelled.";
    return sentence(err.message) || "Something went wrong.";
  }
  return "Something went wrong.";
}

/** Just the advice for a code (e.g. for an analysis `error` event). */
export function adviceFor(code: string): string | undefined {
  return ADVICE[code] || undefined;
}

/** Turns an error envelope (or anything the server sent) into an ApiError. */
export function toApiError(body: unknown, status: number): ApiError {
  if (body && typeof body === "object" && "error" in body) {
    const e = (body as ErrorEnvelope).error;
    if (e && typeof e.code === "string") {
      return new ApiError(e.code, e.message ?? "", status, e.details, e.requestId);
    }
  }
  if (status === 0) return new ApiError("NETWORK_ERROR", "", 0);
  const code = status >= 500 ? "INTERNAL_ERROR" : status === 404 ? "NOT_FOUND" : "VALIDATION_ERROR";
  return new ApiError(code, `The server answered ${status}`, status);
}

/** The field a validation error is about, when the server said. */
export function errorField(err: unknown): string | undefined {
  if (err instanceof ApiError && err.details && typeof err.details === "object") {
    const f = (err.details as { field?: unknown }).field;
    return typeof f === "string" ? f : undefined;
  }
  return undefined;
}
