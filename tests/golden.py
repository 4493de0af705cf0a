"""Golden values transcribed by reading the source documents (tests/golden/*.yml)."""
from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import yaml

from gongkai.schema import registry as R

GOLDEN_DIR = Path(__file__).resolve().parent / "golden"
APPLICANT_CODES = [a.code for a in R.APPLICANTS]
RL_CODES = [f"{c.code}.{r.code}" for c in R.RL_CATEGORIES for r in R.RL_RESULTS]


def golden_files() -> list[Path]:
    return sorted(GOLDEN_DIR.glob("*.yml"))


def expected_cells(golden: dict) -> dict[tuple[str, str], Decimal | None]:
    """{(table, cell code): value} for every cell of the three tables."""
    out = {}
    edition = golden["edition"]
    for item, values in golden["active_disclosure"].items():
        measures = R.AD_LAYOUT[edition][item]
        assert len(values) == len(measures), f"golden {item}: {len(values)} values for {len(measures)} columns"
        for m, v in zip(measures, values):
            out[("active_disclosure", f"{item}.{m}")] = None if v is None else Decimal(str(v))
    for row, values in golden["applications"].items():
        assert len(values) == 7, f"golden {row}: {len(values)} values"
        for col, v in zip(APPLICANT_CODES, values):
            out[("applications", f"{row}.{col}")] = None if v is None else Decimal(str(v))
    values = golden["reviews_litigation"]
    assert len(values) == 15
    for code, v in zip(RL_CODES, values):
        out[("reviews_litigation", code)] = None if v is None else Decimal(str(v))
    return out


def load(path: Path) -> dict:
    return yaml.safe_load(path.read_text(encoding="utf-8"))
