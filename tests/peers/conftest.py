"""Shared fixtures of the peers tests."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from scipy.special import expit

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


def composition_world(n=40, seed=0, ability_slope=0.0):
    """One year of 40 criteria (1-4 points, quarter-point steps). ``ability_slope == 0``:
    equal ability, and a unit with k tasks has the k *easiest* criteria (few-task units gain
    from their criteria mix: the index is unfair). ``ability_slope < 0``: random criteria
    sets, few-task units really better (``a_u = slope · (log k − 3)``): genuine ability."""
    rng = np.random.default_rng(seed)
    C = 40
    d = np.sort(rng.normal(0.5, 1.2, C))[::-1]
    mc = rng.integers(1, 5, C).astype(float)
    rows = []
    for u in range(n):
        k = int(rng.integers(6, C + 1))
        cs = np.arange(k) if ability_slope == 0 else rng.choice(C, k, replace=False)
        p = expit(rng.normal(0, 0.3) + ability_slope * (np.log(k) - 3) + d[cs])
        rows.append(pd.DataFrame({"year": 2023, "unit_id": f"u{u:02d}", "unit_name": f"U{u}", "unit_type": "x",
                                  "field": "1", "criterion": [f"c{c:02d}" for c in cs], "component": "appraisal",
                                  "max_points": mc[cs], "points": mc[cs] * rng.binomial(4, p) / 4,
                                  "applicable": True}))
    return pd.concat(rows, ignore_index=True)


@pytest.fixture
def make_world():
    """The composition / ability world generator (see :func:`composition_world`)."""
    return composition_world
