/** The typed REST client: openapi-fetch over the generated schema, with the bearer token. */
import createClient, { type Middleware } from "openapi-fetch";
import type { paths } from "./schema";
import { ApiError, toApiError } from "./errors";
import { getToken, setToken } from "./token";

const auth: Middleware = {
  onRequest({ request }) {
    const token = getToken();
    if (token) request.headers.set("Authorization", `Bearer ${token}`);
    return request;
  },
  onResponse({ response }) {
    // An expired or revoked token: forget it so the app shows the login page.
    if (response.status === 401 && getToken()) setToken(null);
    return response;
  },
};

export const api = createClient<paths>({ baseUrl: "" });
api.use(auth);

/** The `data` of a successful envelope, or throws an ApiError with the server's sentence. */
export async function unwrap<T>(
  call: Promise<{ data?: { data: T } | unknown; error?: unknown; response: Response }>,
): Promise<T> {
  let result;
  try {
    result = await call;
  } catch (err) {
    if (err instanceof DOMException && err.name === "AbortError") throw err;
    throw new ApiError("NETWORK_ERROR", "", 0);
  }
  const { data, error, response } = result;
  if (error !== undefined || !response.ok) throw toApiError(error, response.status);
  // 204 No Content (deletes, logout) has no envelope.
  return (data as { data: T } | undefined)?.data as T;
}

/** ws:// or wss:// URL of an API WebSocket path, with the token as the contract says. */
export function socketUrl(path: string): string {
  const proto = location.protocol === "https:" ? "wss:" : "ws:";
  const token = encodeURIComponent(getToken() ?? "");
  return `${proto}//${location.host}${path}?token=${token}`;
}
