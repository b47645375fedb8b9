"""Shared fixtures of the bias tests."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from cchc_analysis.synthetic import make_synthetic_scores


@pytest.fixture(scope="module")
def synth():
    return make_synthetic_scores(seed=3, n_cuc=8, n_vu=7, years=(2022, 2023))


@pytest.fixture(scope="module")
def biased():
    return make_synthetic_scores(seed=11, n_cuc=14, n_vu=14, years=(2022, 2023), composition=1.0)


@pytest.fixture
def tiny():
    # a: only the easy criterion; b, c: easy + hard; d: nothing applicable
    return pd.DataFrame(
        {
            "year": 2023,
            "unit_id": ["a", "a", "b", "b", "c", "c", "d", "d"],
            "unit_type": ["vu", "vu", "cuc", "cuc", "cuc", "cuc", "vu", "vu"],
            "criterion": ["easy", "hard"] * 4,
            "max_points": [2.0, 4.0] * 4,
            "points": [2.0, np.nan, 1.0, 3.0, 2.0, 1.0, np.nan, np.nan],
            "applicable": [True, False, True, True, True, True, False, False],
        }
    )
