"""Tests for cchc_analysis.stats (rank inference): Shapley parts, per-row ranks, Mogstad sets."""

from __future__ import annotations
import numpy as np
import pandas as pd
import pytest

from cchc_analysis.ranking import competition_rank
from cchc_analysis.stats import mogstad_rank_sets, row_competition_ranks, shapley_ratio


def test_shapley_ratio_hand_example_with_changing_maximum():
    # field A: 5/10 -> 9/10; field B: 8/10 -> not applicable (0/0)
    # v(∅)=65, v({A})=85, v({B})=50, v(N)=90 -> φA=½(20+40)=30, φB=½(-15+5)=-5
    phi = shapley_ratio([5, 8], [10, 10], [9, 0], [10, 0])
    np.testing.assert_allclose(phi, [30.0, -5.0])


def test_shapley_ratio_fixed_maximum_is_points_change():
    phi = shapley_ratio([1, 2, 3], [4, 4, 2], [2, 1, 2], [4, 4, 2])
    np.testing.assert_allclose(phi, 100 * np.array([1, -1, -1]) / 10)


def test_row_competition_ranks_follow_the_one_rule():
    rng = np.random.default_rng(3)
    x = np.round(rng.normal(80, 3, (200, 9)), 1)  # many ties
    x[:, 4] = x[:, 2] + 1e-12  # float noise is a tie
    want = np.array([competition_rank(row) for row in x])
    np.testing.assert_array_equal(row_competition_ranks(x), want)


def test_mogstad_sets_separate_known_gaps():
    rng = np.random.default_rng(0)
    est = np.array([95.0, 85.0, 85.0, 60.0])
    lo, hi = mogstad_rank_sets(est + rng.standard_normal((4000, 4)), est, 0.9)
    assert lo.tolist() == [1, 2, 2, 4] and hi.tolist() == [1, 3, 3, 4]
    lo, hi = mogstad_rank_sets(np.tile(est, (10, 1)), est, 0.9)  # no noise: the ranks themselves
    assert lo.tolist() == [1, 2, 2, 4] and hi.tolist() == [1, 3, 3, 4]
