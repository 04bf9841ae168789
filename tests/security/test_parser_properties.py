"""Property-based tests of the edge parser (api/parsing.py) and of every route that reads a JSON
body or query parameters: arbitrary JSON, unicode, huge numbers and deep nesting give either a
value of the declared shape or a 400 ``VALIDATION_ERROR``, never another exception or a 5xx."""

from __future__ import annotations

import datetime as dt
import json
import uuid
from urllib.parse import urlencode

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from starlette.requests import HTTPConnection, Request

from api import parsing
from api.errors import ApiError
from tests.api.conftest import auth, register
from tests.security import count, hostile

SETTINGS = settings(
    max_examples=300,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)

# -- what hostile input looks like ----------------------------------------------------------------

SURROGATE = st.integers(0xD800, 0xDFFF).map(lambda c: f"\\u{c:04x}")
HUGE_NUMBER = st.builds(
    lambda sign, digits, exp: f"{sign}{digits}{exp}",
    st.sampled_from(["", "-"]),
    st.text("0123456789", min_size=1, max_size=6000).filter(lambda d: d == "0" or d[0] != "0"),
    st.sampled_from(["", "e999999", "E-999999", ".5e400", "e3"]),
)
JSON_VALUES = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=True, allow_infinity=True)
    | st.text(),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(), inner, max_size=4),
    max_leaves=20,
)


def nested(depth: int, leaf: str) -> str:
    opener, closer = ('{"k": ', "}") if depth % 2 else ("[", "]")
    return opener * depth + leaf + closer * depth


JSON_TEXT = st.one_of(
    JSON_VALUES.map(lambda v: json.dumps(v, allow_nan=True)),
    JSON_VALUES.map(lambda v: json.dumps(v, allow_nan=True, ensure_ascii=False)),
    st.builds(lambda s: f'{{"email": "a{s}b@x.co", "password": "p{s}"}}', SURROGATE),
    st.builds(nested, st.integers(0, 3000), st.sampled_from(["1", '"x"', "[]", "{}", "nul"])),
    HUGE_NUMBER.map(lambda n: f'{{"n": {n}}}'),
    st.text(),
    st.text(alphabet='[]{}",:\\ 0123456789.eE-abc'),
)
JSON_RAW = st.one_of(JSON_TEXT, JSON_TEXT.map(str.encode), st.binary())


def outcome(call, *args, **kwargs):
    """The parser's value, or the ApiError it raised, which must be a 400 VALIDATION_ERROR."""
    try:
        value = call(*args, **kwargs)
    except ApiError as exc:
        hostile(exc.status_code)
        assert exc.status_code == 400 and exc.code == "VALIDATION_ERROR", exc
        assert json.dumps(exc.details)  # the envelope can carry it
        return exc
    except Exception:
        hostile(500)  # in the app this would have been a 500
        raise
    hostile(200)
    return value


def depth(value) -> int:
    if isinstance(value, dict):
        return 1 + max(map(depth, value.values()), default=0)
    if isinstance(value, list):
        return 1 + max(map(depth, value), default=0)
    return 0


# -- JSON ---------------------------------------------------------------------------------------


@SETTINGS
@given(JSON_RAW)
def test_json_value_is_a_storable_value_or_a_validation_error(raw):
    value = outcome(parsing.json_value, raw)
    if isinstance(value, ApiError):
        return
    # What gets through can be stored and sent back: UTF-8 encodable, finite, shallow.
    json.dumps(value, allow_nan=False).encode("utf-8")
    assert "\x00" not in json.dumps(value, ensure_ascii=False)
    assert depth(value) <= parsing.MAX_JSON_DEPTH


@SETTINGS
@given(st.integers(0, parsing.MAX_JSON_DEPTH))
def test_json_within_the_depth_limit_is_accepted(n):
    assert depth(parsing.json_value(nested(n, "1"))) == n


@SETTINGS
@given(JSON_VALUES)
def test_well_formed_json_without_bad_text_round_trips(value):
    text = json.dumps(value, allow_nan=True)
    parsed = outcome(parsing.json_value, text)
    if isinstance(parsed, ApiError):
        # Refused only for the documented reasons.
        assert parsed.details["reason"] in ("too_deep", "not_json", "invalid_character")
    else:
        assert json.dumps(parsed, sort_keys=True) == json.dumps(value, sort_keys=True)


def request_with(body: bytes, headers: list[tuple[bytes, bytes]]) -> Request:
    chunks = [body[i : i + 4096] for i in range(0, len(body), 4096)] or [b""]

    async def receive():
        chunk = chunks.pop(0) if chunks else b""
        return {"type": "http.request", "body": chunk, "more_body": bool(chunks)}

    scope = {"type": "http", "method": "POST", "path": "/", "headers": headers, "query_string": b""}
    return Request(scope, receive)


BODIES = st.one_of(JSON_RAW.map(lambda r: r if isinstance(r, bytes) else r.encode()), st.binary())
LENGTHS = st.one_of(
    st.none(),
    st.just("exact"),
    st.text(max_size=30).map(lambda s: s.encode("utf-8")),
    st.integers(-(10**30), 10**30).map(lambda n: str(n).encode()),
)


async def test_json_body_reads_an_object_or_refuses_cleanly():
    samples = draw_all(st.tuples(BODIES, LENGTHS))
    for body, length in samples:
        headers = [(b"content-type", b"application/json")]
        if length == "exact":
            headers.append((b"content-length", str(len(body)).encode()))
        elif length is not None:
            headers.append((b"content-length", length))
        try:
            value = await parsing.json_body(request_with(body, headers))
        except ApiError as exc:
            hostile(exc.status_code)
            assert exc.status_code == 400 and exc.code == "VALIDATION_ERROR"
            continue
        except Exception:
            hostile(500)
            raise
        hostile(200)
        assert isinstance(value, dict)
    count("property tests: JSON bodies read through parsing.json_body", len(samples))


def draw_all(strategy, n: int = 300) -> list:
    """``n`` examples of ``strategy``, drawn by Hypothesis (for async code that cannot run under
    @given: the app's database pool lives on the test's event loop)."""
    drawn: list = []

    @settings(
        max_examples=n,
        deadline=None,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(strategy)
    def collect(example):
        drawn.append(example)

    collect()
    return drawn


# -- query parameters ---------------------------------------------------------------------------

QUERY_TEXT = st.one_of(
    st.text(max_size=60),
    st.text(max_size=3000),
    st.text("0123456789", min_size=1, max_size=6000),
    st.text("٠١٢٣٤٥٦٧٨٩²³０１２+-_ .eE", max_size=20),
    st.builds(
        lambda d, t, off: f"{d}{t}{off}",
        st.sampled_from(["0001-01-01", "9999-12-31", "2024-02-29", "2023-02-29", "2024-13-40"]),
        st.sampled_from(["", "T00:00", "T23:59:59", "T23:59:59.999999", " 12:00:00", "T24:00"]),
        st.sampled_from(["", "Z", "+14:00", "-14:00", "+23:59", "-23:59", "+24:00", "+99:99"]),
    ),
    st.datetimes(timezones=st.timezones()).map(dt.datetime.isoformat),
    st.uuids().map(str),
    st.uuids().map(lambda u: str(u).upper()),
)


def conn_with(name: str, raw: str) -> HTTPConnection:
    query = urlencode({name: raw}, encoding="utf-8", errors="surrogatepass").encode("latin-1")
    return HTTPConnection({"type": "http", "query_string": query, "headers": []})


@SETTINGS
@given(QUERY_TEXT)
def test_query_int_is_in_range_or_refused(raw):
    value = outcome(parsing.query_int, conn_with("page", raw), "page", 1, 1, 10**6)
    if not isinstance(value, ApiError):
        assert 1 <= value <= 10**6 and raw.isascii() and raw.isdigit()


@SETTINGS
@given(QUERY_TEXT, st.booleans())
def test_query_date_is_an_aware_utc_datetime_or_refused(raw, end_of_day):
    value = outcome(parsing.query_date, conn_with("d", raw), "d", end_of_day=end_of_day)
    if not isinstance(value, ApiError):
        assert value.tzinfo is not None and value.utcoffset() == dt.timedelta(0)
        assert parsing.UTC_MIN <= value <= parsing.UTC_MAX


@SETTINGS
@given(QUERY_TEXT)
def test_query_uuid_text_choice_and_flag(raw):
    conn = conn_with("q", raw)
    value = outcome(parsing.query_uuid, conn, "q")
    if not isinstance(value, ApiError):
        assert isinstance(value, uuid.UUID) and str(value) == raw.lower()
    text = outcome(parsing.query_text, conn, "q", 100)
    if not isinstance(text, (ApiError, type(None))):
        assert 0 < len(text) <= 100
    choice = outcome(parsing.query_choice, conn, "q", ("Core", "Other"))
    assert isinstance(choice, ApiError) or choice in ("Core", "Other")
    flag = outcome(parsing.query_flag, conn, "q")
    assert isinstance(flag, (ApiError, bool))


@SETTINGS
@given(st.one_of(st.none(), QUERY_TEXT))
def test_ascii_int_and_uuid_of_never_raise(raw):
    number = parsing.ascii_int(raw)
    assert number is None or (0 <= number < 10**parsing.MAX_INT_DIGITS)
    ident = parsing.uuid_of(raw)
    assert ident is None or isinstance(ident, uuid.UUID)
    hostile(200, 200)


# -- the routes themselves ----------------------------------------------------------------------


def declared(kind: str) -> list[tuple[str, str, list[str]]]:
    """(method, path, query names) of every operation declaring a JSON body ("body") or query
    parameters ("query"): read from the same declarations as openapi.json, so a new route is
    covered without editing this test."""
    from api.app import routes
    from api.openapi import endpoints

    found = []
    for ep in endpoints(routes):
        if ep.kind != "http":
            continue
        names = [p["name"] for p in ep.operation.params if p["in"] == "query"]
        content = (ep.operation.body or {}).get("content", {})
        if (kind == "body" and "application/json" in content) or (kind == "query" and names):
            found.append((ep.method, ep.path, names))
    return found


async def _caller_and_path_values(client) -> tuple[dict, dict]:
    """An admin (so admin routes parse their input too) and values for every path parameter."""
    from api.tables import User
    from tests.chat.conftest import stored_analysis

    user = await register(client)
    await User.update({User.role: "admin"}).where(User.id == user["user"]["id"])
    sid = await stored_analysis({"id": user["user"]["id"]}, status="failed")
    other = await register(client)
    return user, {"session_id": sid, "user_id": other["user"]["id"], "key": "users/x/y.mp4"}


def test_the_declared_routes_are_found():
    bodies = {(m, p) for m, p, _ in declared("body")}
    queries = {(m, p) for m, p, _ in declared("query")}
    assert {("POST", "/v1/auth/register"), ("PUT", "/v1/user/profile")} <= bodies
    assert {("PATCH", "/v1/admin/users/{user_id}")} <= bodies
    assert {("GET", "/v1/analysis/sessions"), ("GET", "/v1/files/{key}")} <= queries


async def test_every_json_route_answers_hostile_bodies_without_a_5xx(client):
    user, values = await _caller_and_path_values(client)
    bodies = draw_all(BODIES, 100)
    statuses = []
    for method, path, _ in declared("body"):
        for body in bodies:
            response = await client.request(
                method,
                path.format(**values),
                content=body,
                headers={**auth(user), "Content-Type": "application/json"},
            )
            hostile(response.status_code)
            statuses.append(response.status_code)
            assert response.status_code < 500, (path, body[:80], response.text)
            assert response.json()["success"] in (True, False)
    count("property tests: hostile bodies sent to the JSON routes", len(statuses))


async def test_every_query_route_answers_hostile_parameters_without_a_5xx(client):
    user, values = await _caller_and_path_values(client)
    params = draw_all(st.lists(QUERY_TEXT, min_size=6, max_size=6), 100)
    sent = 0
    for method, path, names in declared("query"):
        for drawn in params:
            query = urlencode(dict(zip(names, drawn, strict=False)), errors="surrogatepass")
            response = await client.request(
                method, f"{path.format(**values)}?{query}", headers=auth(user)
            )
            hostile(response.status_code)
            sent += 1
            assert response.status_code < 500, (path, query[:120], response.text)
            if response.status_code == 400:
                assert response.json()["error"]["code"] == "VALIDATION_ERROR"
    count("property tests: hostile query strings sent to the query routes", sent)
