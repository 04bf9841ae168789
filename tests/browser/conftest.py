"""Browser tests: Debian's Chromium, driven by Playwright, against a real ``biome serve``.

They need ``/usr/bin/chromium`` (``apt-get install -y chromium``; never ``playwright install``)
and the built web app (``api/webapp/index.html``, committed). Without either they skip with the
reason, except under ``CI=true``, where they fail. They carry the ``browser`` mark, so CI runs
them once (in the SQLite pass) with ``-m "not browser"`` on the second engine.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import pytest

from tests.conftest import REPO
from tests.security.servers import running_server

CHROMIUM = Path(os.environ.get("BIOME_CHROMIUM", "/usr/bin/chromium"))
WEBAPP = REPO / "api" / "webapp" / "index.html"
# The closed network refuses Chromium's own connections; no GPU on CI machines.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-gpu",
]
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 800}
# Generous: two cores shared with the server's pose worker.
TIMEOUT_MS = 30_000
PASSWORD = "squat-depth-90"


def pytest_configure(config):
    config.addinivalue_line("markers", "browser: drives Chromium against the real server")


def require_browser() -> None:
    """Skip (or, under CI, fail) when Chromium or the built web app is missing."""
    missing = []
    if not CHROMIUM.exists():
        missing.append(f"{CHROMIUM} (apt-get install -y chromium)")
    if not WEBAPP.exists():
        missing.append(f"{WEBAPP.relative_to(REPO)} (cd web && npm ci && npm run build)")
    if not missing:
        return
    if os.environ.get("CI") == "true":
        pytest.fail("browser tests need " + " and ".join(missing))
    pytest.skip("browser tests need " + " and ".join(missing))


def artifacts_dir(create: bool = True) -> Path:
    root = os.environ.get("BIOME_ARTIFACTS_DIR")
    path = Path(root) if root else REPO / "var" / "artifacts" / "screenshots"
    if create:
        path.mkdir(parents=True, exist_ok=True)
    return path


@dataclass
class Server:
    """A running ``biome serve``: its base URL and what a CLI command needs to reach its data."""

    base: str
    env: dict[str, str]
    log: Path

    @property
    def ws(self) -> str:
        return self.base.replace("http://", "ws://", 1)

    def http(self) -> httpx.Client:
        return httpx.Client(base_url=self.base, timeout=60)


@pytest.fixture(scope="package")
def server(tmp_path_factory) -> Iterator[Server]:
    require_browser()
    root = tmp_path_factory.mktemp("browser-server")
    # Beside the screenshots, so a failed run's server log is kept with them (CI artefacts).
    log = artifacts_dir().parent / "browser-server.log"
    env = {
        # The tests click faster than a person; the limiter has its own tests.
        "BIOME_RATE_LIMIT": "100000",
        "BIOME_AUTH_RATE_LIMIT": "100000",
    }
    with running_server(root / "data", log, **env) as base:
        yield Server(base, {"BIOME_DATA_DIR": str(root / "data"), **env}, log)


@pytest.fixture(scope="package")
def playwright():
    require_browser()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        yield p


def launch(playwright, *extra_args: str):
    return playwright.chromium.launch(
        executable_path=str(CHROMIUM), args=[*CHROMIUM_ARGS, *extra_args]
    )


@pytest.fixture(scope="package")
def browser(playwright):
    browser = launch(playwright)
    yield browser
    browser.close()


@dataclass
class PageLog:
    """What the page said on its console and which errors escaped it."""

    errors: list[str] = field(default_factory=list)
    console: list[str] = field(default_factory=list)

    def csp_violations(self) -> list[str]:
        return [m for m in self.console if "Content Security Policy" in m]


def watch(page) -> PageLog:
    log = PageLog()
    page.on("pageerror", lambda e: log.errors.append(str(e)))
    page.on("console", lambda m: log.console.append(f"{m.type}: {m.text}"))
    return log


@pytest.fixture
def context(browser, server, request):
    context = browser.new_context(base_url=server.base, viewport=DESKTOP)
    context.set_default_timeout(TIMEOUT_MS)
    yield context
    if getattr(request.node, "rep_call", None) is not None and request.node.rep_call.failed:
        # The state the test failed in, kept with the screenshots.
        for i, page in enumerate(context.pages):
            name = re.sub(r"[^\w.-]+", "_", request.node.name)
            page.screenshot(path=artifacts_dir() / f"FAILED-{name}-{i}.png", full_page=True)
    context.close()


@pytest.fixture
def page(context):
    page = context.new_page()
    page.log = watch(page)
    return page


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    report = yield
    setattr(item, f"rep_{report.when}", report)
    return report


@pytest.fixture(scope="session", autouse=True)
def _fresh_artifacts():
    """Old screenshots would pass for new ones: each run starts from an empty folder."""
    for png in artifacts_dir().glob("*.png"):
        png.unlink()


def pytest_terminal_summary(terminalreporter):
    shots = sorted(artifacts_dir(create=False).glob("*.png"))
    if shots:
        terminalreporter.write_line(f"browser screenshots ({len(shots)}): {artifacts_dir()}")
