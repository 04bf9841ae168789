"""The service serves the app: deep links load it, the API keeps its meaning, the CSP holds."""

from __future__ import annotations

import re
import uuid

import pytest

from tests.browser.app import ready

pytestmark = pytest.mark.browser

CSP_DIRECTIVES = {
    "default-src": "'self'",
    "script-src": "'self'",
    "style-src": "'self'",
    "object-src": "'none'",
    "base-uri": "'self'",
    "frame-ancestors": "'none'",
}


def csp(header: str) -> dict[str, str]:
    return {d.split()[0]: " ".join(d.split()[1:]) for d in header.split(";") if d.strip()}


@pytest.mark.parametrize("path", ["/", f"/results/{uuid.uuid4()}", "/history", "/login"])
def test_app_paths_answer_the_app_with_its_csp(server, path):
    with server.http() as http:
        response = http.get(path)
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    assert response.headers.get("cache-control") == "no-cache"
    policy = csp(response.headers["content-security-policy"])
    for directive, value in CSP_DIRECTIVES.items():
        assert policy.get(directive) == value, (directive, policy)
    assert "unsafe-inline" not in response.headers["content-security-policy"]
    html = response.text
    assert '<div id="root"' in html
    # No inline script or style: every <script> has a src, no <style>, no style="".
    assert all("src=" in tag for tag in re.findall(r"<script\b[^>]*>", html))
    assert "<style" not in html and "style=" not in html


def test_hashed_assets_are_cached_for_good(server):
    with server.http() as http:
        html = http.get("/").text
        assets = re.findall(r'(?:src|href)="(/assets/[^"]+)"', html)
        assert assets, "index.html links no /assets/ files"
        for path in assets:
            response = http.get(path)
            assert response.status_code == 200, path
            assert "immutable" in response.headers["cache-control"]
            assert "max-age=31536000" in response.headers["cache-control"]


@pytest.mark.parametrize("path", ["/v1/unknown", "/v1/analysis/nothing/here"])
def test_unknown_api_paths_stay_json_404(server, path):
    with server.http() as http:
        response = http.get(path)
    assert response.status_code == 404
    assert response.headers["content-type"].startswith("application/json")
    body = response.json()
    assert body["success"] is False and body["error"]["code"]


def test_api_docs_and_health_keep_their_meaning(server):
    with server.http() as http:
        assert http.get("/health").json()["status"]
        assert http.get("/openapi.json").json()["openapi"].startswith("3.")
        assert "swagger" in http.get("/docs").text.lower()


def test_deep_link_loads_the_app_in_the_browser(page):
    """A bookmarked results link opens the app (for an unknown session: a readable page,
    not a blank one), with no CSP violation and no uncaught error."""
    page.goto(f"/results/{uuid.uuid4()}")
    ready(page)
    assert page.locator("#root").inner_text().strip()
    assert page.log.csp_violations() == []
    assert page.log.errors == []
