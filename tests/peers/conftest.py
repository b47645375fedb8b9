"""Shared fixtures of the peers tests."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from cchc_analysis.synthetic import make_synthetic_scores

# within-group index pattern whose centred ranks (-2..2) have zero covariance with the
# centred max ranks (-2..2): sum(r * s) = -2 + 2 + 0 + 2 - 2 = 0, so Spearman = 0 exactly
_PATTERN = np.array([1, -2, 0, 2, -1])



@pytest.fixture
def planted() -> pd.DataFrame:
    """Two planted groups: A (few tasks: max 20..24, index ≈ 90) and B (many tasks: max
    50..54, index ≈ 60). Within each group the index order is unrelated to the maximum.
    One criterion per unit, so the index is points / max."""
    rows = []
    for grp, base_max, base_idx in (("A", 20.0, 90.0), ("B", 50.0, 60.0)):
        for i in range(5):
            mx = base_max + i
            idx = base_idx + 2.0 * _PATTERN[i]
            rows.append({
                "year": 2023, "unit_id": f"{grp.lower()}{i}", "unit_name": f"{grp}{i}",
                "unit_type": grp, "field": "1", "criterion": "1.1", "component": "appraisal",
                "max_points": mx, "points": idx * mx / 100.0, "applicable": True,
            })
    return pd.DataFrame(rows)


@pytest.fixture(scope="module")
def synth():
    return make_synthetic_scores(1, n_cuc=8, n_vu=8, years=(2022, 2023))
