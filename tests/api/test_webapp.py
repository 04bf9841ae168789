"""Serving the web app: deep links answer index.html with the CSP, hashed assets are cached for
good, and the API, its docs and unknown API paths keep their meaning. GZip for large bodies.

The tests point the module at a bundle of their own (the real one is built by web/).
"""

from __future__ import annotations

import gzip
import uuid

import pytest

from api.routes import webapp

INDEX = (
    '<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Biome</title>'
    '<script type="module" crossorigin src="/assets/index-abc123.js"></script>'
    '<link rel="stylesheet" href="/assets/index-def456.css"></head>'
    '<body><div id="root"></div></body></html>'
)
SCRIPT = "console.log('biome');\n" * 400  # large enough to be compressed


@pytest.fixture
def bundle(tmp_path, monkeypatch):
    root = tmp_path / "webapp"
    (root / "assets").mkdir(parents=True)
    (root / "index.html").write_text(INDEX)
    (root / "assets" / "index-abc123.js").write_text(SCRIPT)
    (root / "assets" / "index-def456.css").write_text("body{margin:0}")
    (root / "favicon.svg").write_text('<svg xmlns="http://www.w3.org/2000/svg"/>')
    monkeypatch.setattr(webapp, "WEBAPP_DIR", root)
    monkeypatch.setattr(webapp, "ASSETS_DIR", root / "assets")
    return root


@pytest.mark.parametrize(
    "path", ["/", "/login", f"/results/{uuid.uuid4()}", "/history", "/analyze?exercise=x"]
)
async def test_app_paths_answer_index_html_with_the_csp(client, bundle, path):
    response = await client.get(path)
    assert response.status_code == 200
    assert response.text == INDEX
    assert response.headers["content-type"].startswith("text/html")
    assert response.headers["cache-control"] == "no-cache"
    assert response.headers["content-security-policy"] == webapp.CSP
    assert "unsafe-inline" not in webapp.CSP
    # The record page may use the camera (the API's own default forbids it).
    assert "camera=(self)" in response.headers["permissions-policy"]
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["x-request-id"]


async def test_hashed_assets_are_immutable_and_compressed(client, bundle):
    response = await client.get("/assets/index-abc123.js", headers={"Accept-Encoding": "gzip"})
    assert response.status_code == 200
    assert response.headers["cache-control"] == webapp.IMMUTABLE
    assert response.headers["content-type"].startswith("text/javascript")
    assert response.headers["content-encoding"] == "gzip"
    assert response.text == SCRIPT  # httpx decompressed it
    css = await client.get("/assets/index-def456.css")
    assert css.headers["cache-control"] == webapp.IMMUTABLE
    assert css.headers["content-type"].startswith("text/css")


async def test_a_missing_asset_is_a_json_404_not_the_app(client, bundle):
    for path in ("/assets/index-gone.js", "/assets/../index.html", "/nothing.js"):
        response = await client.get(path)
        assert response.status_code == 404, path
        assert response.headers["content-type"].startswith("application/json"), path
        assert response.json()["success"] is False


async def test_root_files_of_the_bundle_are_served_and_revalidated(client, bundle):
    response = await client.get("/favicon.svg")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("image/svg+xml")
    assert response.headers["cache-control"] == "no-cache"


@pytest.mark.parametrize(
    "path", ["/v1", "/v1/unknown", "/v1/analysis/nothing/here", "/ws/analysis/x", "/health/x"]
)
async def test_api_paths_never_answer_the_app(client, bundle, path):
    response = await client.get(path)
    assert response.status_code == 404
    assert response.headers["content-type"].startswith("application/json")
    assert response.json()["success"] is False


async def test_api_docs_and_health_keep_their_meaning(client, bundle):
    assert (await client.get("/health")).json()["status"]
    assert (await client.get("/openapi.json")).json()["openapi"].startswith("3.")
    docs = await client.get("/docs")
    assert "swagger-ui" in docs.text
    assert docs.headers["content-security-policy"] != webapp.CSP


async def test_app_routes_are_not_in_the_contract(client, bundle):
    paths = (await client.get("/openapi.json")).json()["paths"]
    assert all(p.startswith("/v1/") or p == "/health" for p in paths), sorted(paths)


async def test_without_a_build_the_root_says_how_to_build_it(client, tmp_path, monkeypatch):
    monkeypatch.setattr(webapp, "WEBAPP_DIR", tmp_path / "none")
    monkeypatch.setattr(webapp, "ASSETS_DIR", tmp_path / "none" / "assets")
    response = await client.get("/history")
    assert response.status_code == 200
    assert "npm run build" in response.text
    assert response.headers["content-security-policy"] == webapp.CSP
    assert (await client.get("/assets/index-abc123.js")).status_code == 404


async def test_large_json_is_gzipped_and_small_json_is_not(client, user):
    from tests.api.conftest import auth

    small = await client.get("/v1/user/profile", headers={**auth(user), "Accept-Encoding": "gzip"})
    assert "content-encoding" not in small.headers
    big = await client.get("/openapi.json", headers={"Accept-Encoding": "gzip"})
    assert big.headers["content-encoding"] == "gzip"
    assert "Accept-Encoding" in big.headers["vary"]
    # The security headers survive compression.
    assert big.headers["x-content-type-options"] == "nosniff"
    raw = await client.get("/openapi.json", headers={"Accept-Encoding": "identity"})
    assert "content-encoding" not in raw.headers
    assert len(gzip.compress(raw.content)) < len(raw.content) / 3
