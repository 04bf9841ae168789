"""The in-process app of tests/api, and the figures the proofs print at the end of the run."""

from tests.api.conftest import app, client  # noqa: F401  (fixtures shared with tests/api)
from tests.security import FIGURES, HOSTILE


def pytest_terminal_summary(terminalreporter):
    if FIGURES or HOSTILE["tried"]:
        terminalreporter.section("security proofs")
        for label, n in FIGURES.items():
            terminalreporter.write_line(f"{label}: {n}")
        terminalreporter.write_line(
            f"tests/security: {HOSTILE['tried']} hostile inputs tried, "
            f"{HOSTILE['5xx']} answered 5xx (target 0)"
        )
