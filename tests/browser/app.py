"""What the browser tests do to the app and check on every page.

Locators follow docs in /work/coord/WEB_CONTRACT.md: roles and accessible names first,
``data-testid`` only for the score and the rep count.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
import uuid
from importlib import resources
from pathlib import Path

from tests.browser.conftest import DESKTOP, PASSWORD, PHONE, Server, artifacts_dir
from tests.conftest import REPO

TOKEN_KEY = "biome.token"


# --- accounts and analyses through the API (set-up the test is not about) ---------------------


def new_name(prefix: str) -> str:
    return f"{prefix}_{uuid.uuid4().hex[:8]}"


def register(server: Server, prefix: str) -> dict:
    """A fresh account: ``{"token", "email", "username", "user"}``."""
    name = new_name(prefix)
    with server.http() as http:
        response = http.post(
            "/v1/auth/register",
            json={"email": f"{name}@example.com", "username": name, "password": PASSWORD},
        )
    assert response.status_code == 201, response.text
    data = response.json()["data"]
    return {"token": data["token"], "email": f"{name}@example.com", "username": name, **data}


def make_admin(server: Server, email: str) -> None:
    """The documented way to make the first administrator: ``biome set-role EMAIL admin``."""
    done = subprocess.run(
        [sys.executable, "-m", "api.cli", "set-role", email, "admin"],
        cwd=REPO,
        env={**os.environ, **server.env},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr


def upload(server: Server, token: str, clip: Path, exercise: str = "Squat") -> str:
    with server.http() as http, open(clip, "rb") as f:
        response = http.post(
            "/v1/analysis/upload",
            headers={"Authorization": f"Bearer {token}"},
            files={"video": (clip.name, f, "video/mp4")},
            data={"exerciseName": exercise},
        )
    assert response.status_code == 201, response.text
    return response.json()["data"]["sessionId"]


def wait_analysed(server: Server, token: str, session_id: str, timeout_s: float = 240) -> dict:
    deadline = time.monotonic() + timeout_s
    with server.http() as http:
        while True:
            session = http.get(
                f"/v1/analysis/sessions/{session_id}",
                headers={"Authorization": f"Bearer {token}"},
            ).json()["data"]
            if session["status"] in ("completed", "failed"):
                return session
            assert time.monotonic() < deadline, f"analysis still {session['status']}"
            time.sleep(0.5)


def api_get(server: Server, token: str, path: str) -> dict:
    with server.http() as http:
        response = http.get(path, headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 200, response.text
    return response.json()["data"]


def exercise_id(server: Server, name: str) -> str:
    with server.http() as http:
        rows = http.get("/v1/exercises", params={"search": name}).json()["data"]["exercises"]
    return next(r["id"] for r in rows if r["name"].lower() == name.lower())


# --- the browser ----------------------------------------------------------------------------


def sign_in(page, token: str) -> None:
    """Be signed in as the app keeps it (the token in localStorage), without the form."""
    page.goto("/")
    page.evaluate("([k, t]) => localStorage.setItem(k, t)", [TOKEN_KEY, token])


# Nothing marked busy and no "Loading…" spinner (role=status) left on the page.
LOADED = """() => !document.querySelector('[aria-busy="true"]') &&
  ![...document.querySelectorAll('[role="status"]')]
    .some(e => /^\\s*Loading/.test(e.textContent))"""


def ready(page) -> None:
    """The page has rendered its content: a level-1 heading and nothing still loading."""
    page.get_by_role("heading", level=1).first.wait_for(state="visible")
    page.wait_for_function(LOADED, timeout=30_000)


def horizontal_overflow(page) -> int:
    """How many CSS pixels the page scrolls sideways (0 when it fits)."""
    return page.evaluate("() => document.scrollingElement.scrollWidth - window.innerWidth")


def shoot(page, name: str, wait=ready, each=None) -> list[str]:
    """Screenshots at phone and desktop size (``<name>-phone.png``, ``<name>-desktop.png``),
    each checked for sideways scrolling, and ``each(page, label)`` run at both sizes; returns
    the problems found. The page ends at desktop size."""
    problems = []
    for label, size in (("phone", PHONE), ("desktop", DESKTOP)):
        page.set_viewport_size(size)
        wait(page)
        # Layout settles in the next frame after a resize.
        page.evaluate("() => new Promise(r => requestAnimationFrame(() => r()))")
        overflow = horizontal_overflow(page)
        page.screenshot(path=artifacts_dir() / f"{name}-{label}.png", full_page=True)
        if overflow > 0:
            problems.append(f"{name}: scrolls sideways by {overflow}px at {label} width")
        if each is not None:
            problems += each(page, label)
    return problems


# --- accessibility --------------------------------------------------------------------------

_AXE = resources.files("axe_playwright_python").joinpath("axe.min.js").read_text()


def axe_violations(page, impacts=("serious", "critical")) -> list[str]:
    """axe-core's violations of the given impacts, one readable line each."""
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.evaluate(_AXE)
    results = page.evaluate(
        "() => axe.run(document, {resultTypes: ['violations'], "
        "runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', "
        "'best-practice']}})"
    )
    return [
        f"{v['id']} ({v['impact']}): {v['help']} — "
        + "; ".join(
            " ".join(n["target"]) if isinstance(n["target"], list) else str(n["target"])
            for n in v["nodes"][:5]
        )
        for v in results["violations"]
        if v["impact"] in impacts
    ]


# Interactive elements a keyboard user must reach with Tab. Controls that opt out with
# tabindex="-1" are the roving-focus pattern (reached with the arrow keys) and are left out.
_MARK_INTERACTIVE = """() => {
  const sel = 'a[href], button, input:not([type=hidden]), select, textarea, summary, ' +
    'video[controls], audio[controls], [tabindex], [contenteditable=""], [contenteditable=true]';
  const found = [];
  document.querySelectorAll(sel).forEach((el) => {
    if (el.getAttribute('tabindex') === '-1' || el.disabled || el.inert || el.closest('[inert]'))
      return;
    if (!el.checkVisibility({visibilityProperty: true, opacityProperty: false})) return;
    const r = el.getBoundingClientRect();
    if (r.width === 0 && r.height === 0 && getComputedStyle(el).position !== 'fixed') return;
    const key = (el.type === 'radio' && el.name) ? 'radio:' + el.name : 'k' + found.length;
    el.dataset.kbd = key;
    found.push({key, html: el.outerHTML.slice(0, 160)});
  });
  return found;
}"""

_ACTIVE = """() => {
  let el = document.activeElement;
  while (el && el.shadowRoot && el.shadowRoot.activeElement) el = el.shadowRoot.activeElement;
  return el && el.dataset ? (el.dataset.kbd || el.tagName) : null;
}"""


def keyboard_unreachable(page) -> list[str]:
    """Interactive elements that pressing Tab from the top of the page never focuses."""
    candidates = page.evaluate(_MARK_INTERACTIVE)
    wanted = {c["key"]: c["html"] for c in candidates}
    page.evaluate(
        "() => { document.activeElement && document.activeElement.blur(); window.scrollTo(0, 0); }"
    )
    reached: set[str] = set()
    for _ in range(len(candidates) * 2 + 10):
        page.keyboard.press("Tab")
        key = page.evaluate(_ACTIVE)
        if key:
            reached.add(key)
        if set(wanted) <= reached:
            break
    return [html for key, html in wanted.items() if key not in reached]


CONTROL_ROLES = {
    "button", "link", "textbox", "searchbox", "combobox", "checkbox", "radio", "slider",
    "spinbutton", "switch", "tab", "menuitem", "menuitemcheckbox", "menuitemradio", "listbox",
    "option", "treeitem", "gridcell", "Video", "Audio", "video", "audio",
}  # fmt: skip


def unnamed_controls(page) -> list[str]:
    """Focusable controls in the accessibility tree with no accessible name."""
    cdp = page.context.new_cdp_session(page)
    try:
        nodes = cdp.send("Accessibility.getFullAXTree")["nodes"]
    finally:
        cdp.detach()
    unnamed = []
    for node in nodes:
        if node.get("ignored"):
            continue
        props = {p["name"]: p["value"].get("value") for p in node.get("properties", [])}
        role = node.get("role", {}).get("value")
        # Focusable controls; a landmark that takes focus for a skip link (tabindex=-1) is not one.
        if not props.get("focusable") or role not in CONTROL_ROLES:
            continue
        if not (node.get("name", {}).get("value") or "").strip():
            unnamed.append(f"{role} (backend node {node.get('backendDOMNodeId')})")
    return unnamed


def audit(page, name: str, wait=ready) -> list[str]:
    """Everything checked on every page: screenshots at both sizes without sideways scrolling,
    axe (no serious or critical violation), keyboard reach and names, no CSP violation.
    Returns the problems found (empty when the page passes)."""
    problems = shoot(
        page,
        name,
        wait,
        each=lambda p, size: [f"{name} ({size}): axe {v}" for v in axe_violations(p)],
    )
    problems += [f"{name}: Tab never reaches {h}" for h in keyboard_unreachable(page)]
    problems += [f"{name}: no accessible name: {c}" for c in unnamed_controls(page)]
    log = getattr(page, "log", None)
    if log is not None:
        problems += [f"{name}: {m}" for m in log.csp_violations()]
        problems += [f"{name}: uncaught {e}" for e in log.errors]
        log.console.clear()
        log.errors.clear()
    return problems


def plain_sentence(text: str) -> bool:
    """A message a person can read: a sentence, not a code, JSON or a stack trace."""
    text = text.strip()
    return (
        len(text) >= 10
        and " " in text
        and not re.search(r"[{}\[\]]|Traceback|[A-Z]{3,}_[A-Z_]+|\b[45]\d\d\b", text)
    )
