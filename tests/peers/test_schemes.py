"""Tests for cchc_analysis.peers.schemes: natural breaks, scheme constructors, names."""

from __future__ import annotations

import itertools

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cchc_analysis import peers
from cchc_analysis.peers import (
    Scheme,
    by_mapping,
    by_max_band,
    by_unit_type,
    natural_breaks,
    peer_rank,
    resolve_schemes,
    single_league,
    standardised_league,
)


def test_natural_breaks_hand_cases():
    # three obvious clusters: cuts midway between 3|10 and 12|20
    assert natural_breaks([1, 2, 3, 10, 11, 12, 20, 21, 22], k=3).tolist() == [6.5, 16.0]
    # [0,1,2 | 6,7]: SSD 2 + 0.5 = 2.5 beats [0,1 | 2,6,7]: 0.5 + 14 = 14.5 and
    # [0 | 1,2,6,7]: 0 + 26.75, [0,1,2,6 | 7]: 20.75 -> cut (2 + 6) / 2 = 4
    assert natural_breaks([0, 1, 2, 6, 7], k=2).tolist() == [4.0]
    # the outlier gets its own class, unlike a median split (which would cut at 3)
    assert natural_breaks([1, 2, 3, 4, 100], k=2).tolist() == [52.0]
    # order and NaN do not matter; k larger than distinct values is capped
    assert natural_breaks([7, np.nan, 0, 6, 2, 1], k=2).tolist() == [4.0]
    assert natural_breaks([5, 5, 9], k=4).tolist() == [7.0]
    assert natural_breaks([3.0, 3.0], k=2).size == 0
    assert natural_breaks([1.0, 2.0], k=1).size == 0


def test_natural_breaks_keeps_ties_together():
    # tied values are one weighted point: never split across classes
    cuts = natural_breaks([1, 1, 1, 1, 2, 2, 2, 2, 3], k=2)
    x = np.array([1, 1, 1, 1, 2, 2, 2, 2, 3])
    band = np.searchsorted(cuts, x, side="left")
    assert len(set(band[x == 2])) == 1 and len(set(band[x == 1])) == 1


def _brute_ssd(x: np.ndarray, k: int) -> float:
    """Least total within-class SSD over every split of the sorted values (reference)."""
    x = np.sort(x)
    best = np.inf
    for cuts in itertools.combinations(range(1, len(x)), k - 1):
        parts = np.split(x, cuts)
        # a valid partition keeps equal values together
        if any(parts[i][-1] == parts[i + 1][0] for i in range(len(parts) - 1)):
            continue
        best = min(best, sum(((p - p.mean()) ** 2).sum() for p in parts))
    return best


@settings(max_examples=60, deadline=None)
@given(st.lists(st.integers(0, 30), min_size=2, max_size=9), st.integers(2, 4))
def test_natural_breaks_is_optimal_against_brute_force(values, k):
    x = np.array(values, dtype=float)
    k_eff = min(k, len(np.unique(x)))
    cuts = natural_breaks(x, k=k)
    assert len(cuts) == k_eff - 1
    band = np.searchsorted(cuts, x, side="left")
    ssd = sum(((x[band == b] - x[band == b].mean()) ** 2).sum() for b in np.unique(band))
    if k_eff >= 2:
        assert ssd == pytest.approx(_brute_ssd(x, k_eff), abs=1e-9)




def test_band_schemes_assign_contiguous_bands_of_the_maximum():
    f = pd.DataFrame({"max_points": [10.0, 11, 12, 13, 14, 15, 40, 41, 42]})
    q = by_max_band(3, method="quantile")
    cuts = q.cuts(f)
    np.testing.assert_allclose(cuts, np.quantile(f["max_points"], [1 / 3, 2 / 3]))
    g = q.assign(f)
    assert pd.Series(g).value_counts().tolist() == [3, 3, 3]
    j = by_max_band(2, method="jenks")
    assert j.cuts(f).tolist() == [27.5]
    assert list(j.assign(f)) == ["B1 (≤ 27.5)"] * 6 + ["B2 (> 27.5)"] * 3
    assert q.name == "max_band_quantile_k3" and j.kind == "band"


def test_scheme_argument_errors(planted):
    with pytest.raises(ValueError, match="quantile"):
        by_max_band(3, method="kmeans")
    with pytest.raises(ValueError, match="at least 2"):
        by_max_band(1)
    with pytest.raises(ValueError, match="score"):
        Scheme("x", lambda f: f["unit_id"], score="points")
    with pytest.raises(ValueError, match="key"):
        by_mapping({"a": "x"}, key="unit_name")
    with pytest.raises(ValueError, match="Unknown scheme"):
        resolve_schemes(["nonsense"])
    with pytest.raises(ValueError, match="no group for unit_type"):
        peer_rank(planted, by_mapping({"A": "x"}))
    with pytest.raises(ValueError, match="unit_type"):
        peer_rank(planted.drop(columns="unit_type"), by_unit_type())
    with pytest.raises(ValueError, match="2019"):
        peer_rank(planted, single_league(), year=2019)
    with pytest.raises(ValueError, match="Scheme"):
        peer_rank(planted, "single_league")


def test_resolve_schemes_names():
    assert [s.name for s in resolve_schemes([], k=3)] == [s.name for s in peers.builtin_schemes()]
    names = [s.name for s in resolve_schemes(["single", "max_band_jenks", "max_band_quantile_k4", "shrunk"], k=2)]
    assert names == ["single_league", "max_band_jenks_k2", "max_band_quantile_k4", "shrunk_league"]
    assert "single" in single_league().name and "standardised" in standardised_league().name
