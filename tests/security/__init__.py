# Figures the security proofs report at the end of the run (see conftest.py): label → count.
FIGURES: dict[str, int] = {}


def count(label: str, n: int = 1) -> None:
    FIGURES[label] = FIGURES.get(label, 0) + n
