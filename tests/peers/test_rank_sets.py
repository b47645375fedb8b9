"""rank_sets: Mogstad marginal / simultaneous / τ-best sets from the per-criterion-trials engine."""

from __future__ import annotations

import numpy as np
import pandas as pd

from cchc_analysis.bias.twoway import row_trials
from cchc_analysis.peers import rank_sets
from cchc_analysis.ranking import competition_rank


def _world(n, rng, trials=1, n_crit=30):
    """all-or-nothing (trials=1) world with known true index per unit."""
    d = rng.normal(1, 1, n_crit)
    a = rng.normal(0, 1.2, n)
    p = 1 / (1 + np.exp(-(a[:, None] + d[None, :])))
    pts = rng.binomial(trials, p) / trials
    sc = pd.DataFrame({"year": 2023, "unit_id": np.repeat([f"u{i:02d}" for i in range(n)], n_crit),
                       "criterion": np.tile([f"c{j}" for j in range(n_crit)], n), "component": "appraisal",
                       "max_points": 1.0, "points": pts.ravel(), "applicable": True})
    return sc, 100 * p.mean(axis=1)


def test_row_trials_follow_the_scoring_step_and_scale_with_the_maximum():
    t = row_trials(["x", "x", "x", "y", "y"], [0.5, 1.0, 1.5, 0, 2], [2, 2, 1, 2, 2])
    # x: largest max 2, scores 0.5, 1, 1.5 of 2/2/1 -> quarter-points of 2 = 4 trials, 2 for the 1-point row
    assert t.tolist() == [4.0, 4.0, 2.0, 1.0, 1.0]
    assert row_trials(["x", "y"], [1, 1], [2, 2], trials={"x": 5}).tolist() == [5.0, 2.0]  # y: halves


def test_all_or_nothing_sets_have_width_and_cover_the_true_rank():
    rng = np.random.default_rng(5)
    cov, joint, widths = [], [], []
    for i in range(12):
        sc, truth = _world(15, rng)
        r = rank_sets(sc, n_draws=400, seed=i, tau=3).set_index("unit_id").sort_index()
        tr = competition_rank(truth)
        cov.append(np.mean((r["rank_lo"] <= tr) & (tr <= r["rank_hi"])))
        joint.append(((r["simul_lo"] <= tr) & (tr <= r["simul_hi"])).all())
        widths.append((r["rank_hi"] - r["rank_lo"]).mean())
        assert (r["simul_lo"] <= r["rank_lo"]).all() and (r["simul_hi"] >= r["rank_hi"]).all()
        assert r.loc[tr <= 3, "in_tau_best"].all() or not joint[-1]
    assert np.mean(cov) >= 0.95 and np.mean(joint) >= 0.9
    assert min(widths) > 0  # without smoothing every all-or-nothing set had zero width


def test_rank_sets_columns_order_and_a_noiseless_league():
    sc = pd.DataFrame({"year": 2023, "unit_id": ["b", "a", "c"], "criterion": "x", "component": "appraisal",
                       "max_points": 1.0, "points": [0.5, 1.0, 0.0], "applicable": True})
    r = rank_sets(sc, n_draws=200, trials=1000, jeffreys=False, tau=1)
    assert r["unit_id"].tolist() == ["a", "b", "c"] and r["rank"].tolist() == [1, 2, 3]
    # 1000 trials and no smoothing: 0 % and 100 % fixed, the middle one well separated
    assert r["rank_lo"].tolist() == [1, 2, 3] and r["rank_hi"].tolist() == [1, 2, 3]
    assert r["in_tau_best"].tolist() == [True, False, False]


def test_model_basis_sets_cover_the_true_ability_rank():
    # ability ranks from the two-way model: true rank = rank of a_u (index_model is increasing in a_u)
    rng = np.random.default_rng(12)
    cov = []
    for i in range(10):
        n, c = 15, 30
        d = rng.normal(1, 1, c)
        a = rng.normal(0, 1.2, n)
        keep = rng.uniform(size=(n, c)) < 0.7
        p = 1 / (1 + np.exp(-(a[:, None] + d[None, :])))
        pts = rng.binomial(4, p) / 4
        u, j = np.nonzero(keep)
        sc = pd.DataFrame({"year": 2023, "unit_id": [f"u{k:02d}" for k in u], "criterion": [f"c{k}" for k in j],
                           "component": "appraisal", "max_points": 1.0, "points": pts[u, j], "applicable": True})
        r = rank_sets(sc, n_draws=400, seed=i, basis="model").set_index("unit_id").sort_index()
        tr = competition_rank(a)
        cov.append(np.mean((r["rank_lo"] <= tr) & (tr <= r["rank_hi"])))
    assert np.mean(cov) >= 0.95
    import pytest
    with pytest.raises(ValueError, match="basis"):
        rank_sets(sc, basis="posterior")
