# Figures the security proofs report at the end of the run (see conftest.py): label → count.
FIGURES: dict[str, int] = {}
# Hostile inputs sent by the proofs and fuzzers, and how many of them were answered with a 5xx.
HOSTILE = {"tried": 0, "5xx": 0}


def count(label: str, n: int = 1) -> None:
    FIGURES[label] = FIGURES.get(label, 0) + n


def hostile(*statuses: int) -> None:
    """Record hostile inputs by the status each was answered with (0: no HTTP answer)."""
    HOSTILE["tried"] += len(statuses)
    HOSTILE["5xx"] += sum(1 for s in statuses if s >= 500)
