"""schemathesis against the live OpenAPI of a real server, with every check it has (no 5xx;
status, content type, headers and body inside the schema; schema-valid data accepted and
schema-violating data refused; 405 with a true Allow header; no auth bypass; deleted resources
gone) and both positive and negative data, in every phase (examples, coverage, fuzzing, stateful).
The number of requests is printed at the end of the run, with the hostile-input tally."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys

import httpx

from tests.conftest import REPO
from tests.security import count, hostile
from tests.security.servers import register, running_server
from tests.videos import blank_video

CONFIG = REPO / "tests" / "security" / "schemathesis.toml"
# Bounded for CI, which runs it on SQLite and on PostgreSQL: examples per operation and a time
# budget for the whole run.
MAX_EXAMPLES = "12"
MAX_TIME_S = "240"


def test_every_check_is_on():
    """No check is narrowed away: schemathesis runs all of them unless told otherwise (``--checks
    all`` on the command line would also override the per-operation settings of the config)."""
    from schemathesis.config import SchemathesisConfig
    from schemathesis.config._checks import _BUILTIN_CHECK_CONFIGS

    checks = SchemathesisConfig.from_path(str(CONFIG)).projects.get_default().checks_config_for()
    assert len(_BUILTIN_CHECK_CONFIGS) >= 14
    assert [name for name in _BUILTIN_CHECK_CONFIGS if not getattr(checks, name).enabled] == []


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
                "--config-file",
                str(CONFIG),
                "run",
                f"{base}/openapi.json",
                "-H",
                f"Authorization: Bearer {token}",
                "--mode",
                "all",
                # Strings are text: the API refuses NUL and lone surrogates anywhere (400, proved
                # by test_edge_inputs and test_parser_properties), which a JSON Schema "string"
                # cannot say, so positive data must not contain them.
                "--generation-codec",
                "utf-8",
                "--generation-allow-x00",
                "false",
                "--max-time",
                MAX_TIME_S,
                # Logging out or erasing the account would end the run's authentication.
                "--exclude-operation-id",
                "postAuthLogout",
                "--exclude-operation-id",
                "deleteUser",
                "--max-examples",
                MAX_EXAMPLES,
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
            timeout=int(MAX_TIME_S) + 300,  # the budget, plus loading the schema and reports
        )
        assert run.returncode == 0, run.stdout[-6000:] + run.stderr[-3000:]
        assert httpx.get(f"{base}/health").status_code == 200
    entries = json.loads(har.read_text())["log"]["entries"]
    statuses = [e["response"]["status"] for e in entries]
    hostile(*statuses)
    assert statuses and not [s for s in statuses if s >= 500]
    cases = re.search(r"(\d+) generated", run.stdout)
    count("schemathesis (all checks, positive + negative data): requests", len(entries))
    count("schemathesis: test cases generated", int(cases.group(1)) if cases else 0)
