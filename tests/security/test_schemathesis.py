"""schemathesis against the live OpenAPI of a real server: no 5xx, no response outside the
schema (status, content type, body). The number of requests is printed at the end of the run."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys

import httpx

from tests.conftest import REPO
from tests.security import count
from tests.security.servers import register, running_server
from tests.videos import blank_video

CHECKS = (
    "not_a_server_error,status_code_conformance,content_type_conformance,"
    "response_schema_conformance"
)


def test_live_api_conforms_to_its_openapi(tmp_path):
    env = {"BIOME_RATE_LIMIT": "1000000", "BIOME_AUTH_RATE_LIMIT": "1000000"}
    with running_server(tmp_path / "data", tmp_path / "server.log", **env) as base:
        token = register(base, "fuzzer")
        role = subprocess.run(
            [sys.executable, "-m", "api.cli", "set-role", "fuzzer@example.com", "admin"],
            cwd=REPO,
            env={**os.environ, "BIOME_DATA_DIR": str(tmp_path / "data")},
            capture_output=True,
            text=True,
        )
        assert role.returncode == 0, role.stderr
        headers = {"Authorization": f"Bearer {token}"}
        # Some data for the session endpoints to find.
        with open(blank_video(tmp_path / "blank.mp4"), "rb") as f:
            up = httpx.post(
                f"{base}/v1/analysis/upload",
                headers=headers,
                files={"video": ("blank.mp4", f, "video/mp4")},
                data={"exerciseName": "squat"},
                timeout=30,
            )
        assert up.status_code == 201, up.text
        har = tmp_path / "requests.har"
        run = subprocess.run(
            [
                sys.executable,
                "-m",
                "schemathesis.cli",
                "run",
                f"{base}/openapi.json",
                "-H",
                f"Authorization: Bearer {token}",
                "--checks",
                CHECKS,
                # Logging out or erasing the account would end the run's authentication.
                "--exclude-operation-id",
                "postAuthLogout",
                "--exclude-operation-id",
                "deleteUser",
                "--max-examples",
                "15",
                "--seed",
                "20261121",
                # One worker: Hypothesis parses source with `ast` while it runs, and CPython
                # 3.11.7's ast is not safe across threads ("AST constructor recursion depth
                # mismatch" under load).
                "--workers",
                "1",
                "--report",
                "har",
                "--report-har-path",
                str(har),
            ],
            cwd=tmp_path,  # its example database and reports stay out of the repository
            capture_output=True,
            text=True,
            timeout=400,
        )
        assert run.returncode == 0, run.stdout[-6000:] + run.stderr[-3000:]
        assert httpx.get(f"{base}/health").status_code == 200
    entries = json.loads(har.read_text())["log"]["entries"]
    statuses = [e["response"]["status"] for e in entries]
    assert statuses and not [s for s in statuses if s >= 500]
    cases = re.search(r"(\d+) generated", run.stdout)
    count("schemathesis: requests to the live server (0 5xx, 0 outside the schema)", len(entries))
    count("schemathesis: test cases generated", int(cases.group(1)) if cases else 0)
