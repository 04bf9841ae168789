"""A stand-in for the Gemini service on loopback, reached through the real google-genai client.

    with GeminiStandIn() as standin:
        monkeypatch.setenv("GOOGLE_GEMINI_BASE_URL", standin.url)
        monkeypatch.setenv("GOOGLE_API_KEY", "anything")
        standin.play({"summary": ...}, ("status", 503), answer={...})

It speaks the wire protocol google-genai uses (ADK → google-genai → HTTP), for the Gemini API
(`/v1beta/models/M:generateContent`, `GET /v1beta/models/M`) and for Vertex AI
(`/v1beta1/projects/P/locations/L/publishers/google/models/M:generateContent`), and answers an
OAuth token request (`POST /token`) so application default credentials can point at it.

Each generateContent request takes the next step of the script (or `answer` once it is empty):
a dict (answered as its JSON text), a str (answered as text), ("status", code) (an error body
shaped like Google's), ("hang", seconds) (then answers), ("raw", body) (a 200 whose body is not
JSON), ("call", name, args) (a function call), or a callable(request body) -> one of those.
`requests` records (method, path, headers, body) of every request.
"""

from __future__ import annotations

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

_STATUS = {
    400: "INVALID_ARGUMENT",
    403: "PERMISSION_DENIED",
    429: "RESOURCE_EXHAUSTED",
    500: "INTERNAL",
    503: "UNAVAILABLE",
}


class GeminiStandIn:
    """A scripted Gemini endpoint on 127.0.0.1 (see module doc)."""

    def __init__(self) -> None:
        self.script: list[Any] = []
        self.answer: Any = None
        self.model_status = 200  # What GET models/M answers (the /health probe).
        self.requests: list[dict] = []
        self._lock = threading.Lock()
        standin = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):  # Quiet.
                pass

            def do_GET(self):
                standin._record(self, None)
                if standin.model_status != 200:
                    return standin._error(self, standin.model_status)
                name = self.path.split("?")[0].rsplit("/", 1)[-1]
                standin._json(self, 200, {"name": f"models/{name}", "displayName": name})

            def do_POST(self):
                length = int(self.headers.get("content-length") or 0)
                raw = self.rfile.read(length) if length else b""
                body = json.loads(raw) if raw.strip().startswith(b"{") else raw.decode()
                standin._record(self, body)
                path = self.path.split("?")[0]
                if path.endswith("/token"):
                    return standin._json(
                        self, 200, {"access_token": "ya29.standin", "expires_in": 3600}
                    )
                if ":generateContent" in path or ":streamGenerateContent" in path:
                    return standin._generate(self, body)
                standin._json(self, 404, {"error": {"code": 404, "message": "not found"}})

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        host, port = self.server.server_address[:2]
        return f"http://{host}:{port}"

    def __enter__(self) -> GeminiStandIn:
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.server.shutdown()
        self.server.server_close()

    def play(self, *script: Any, answer: Any = None) -> None:
        """Sets the script (and the answer once it is spent); forgets earlier requests."""
        with self._lock:
            self.script = list(script)
            self.answer = answer
            self.requests = []

    @property
    def generate_requests(self) -> list[dict]:
        return [r for r in self.requests if ":generateContent" in r["path"]]

    def _record(self, handler: BaseHTTPRequestHandler, body: Any) -> None:
        with self._lock:
            self.requests.append(
                {
                    "method": handler.command,
                    "path": handler.path,
                    "headers": {k.lower(): v for k, v in handler.headers.items()},
                    "body": body,
                }
            )

    def _next(self) -> Any:
        with self._lock:
            return self.script.pop(0) if self.script else self.answer

    def _generate(self, handler: BaseHTTPRequestHandler, body: Any) -> None:
        step = self._next()
        if callable(step):
            step = step(body)
        if isinstance(step, tuple) and step[0] == "hang":
            time.sleep(step[1])
            step = "late"
        if isinstance(step, tuple) and step[0] == "status":
            return self._error(handler, step[1])
        if isinstance(step, tuple) and step[0] == "raw":
            data = str(step[1]).encode()
            handler.send_response(200)
            handler.send_header("content-type", "application/json")
            handler.send_header("content-length", str(len(data)))
            handler.end_headers()
            handler.wfile.write(data)
            return None
        if isinstance(step, tuple) and step[0] == "call":
            part = {"functionCall": {"name": step[1], "args": step[2] if len(step) > 2 else {}}}
        else:
            text = step if isinstance(step, str) else json.dumps(step)
            part = {"text": text}
        self._json(
            handler,
            200,
            {
                "candidates": [
                    {"content": {"role": "model", "parts": [part]}, "finishReason": "STOP"}
                ],
                "usageMetadata": {"promptTokenCount": 10, "candidatesTokenCount": 10},
                "modelVersion": "standin",
            },
        )
        return None

    @staticmethod
    def _json(handler: BaseHTTPRequestHandler, code: int, payload: dict) -> None:
        data = json.dumps(payload).encode()
        try:
            handler.send_response(code)
            handler.send_header("content-type", "application/json")
            handler.send_header("content-length", str(len(data)))
            handler.end_headers()
            handler.wfile.write(data)
        except (BrokenPipeError, ConnectionResetError):
            pass  # The client gave up (a deadline): nothing to answer.

    def _error(self, handler: BaseHTTPRequestHandler, code: int) -> None:
        status = _STATUS.get(code, "UNKNOWN")
        self._json(
            handler,
            code,
            {"error": {"code": code, "message": f"stand-in {status.lower()}", "status": status}},
        )
