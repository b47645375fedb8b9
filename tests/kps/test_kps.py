"""KPS audit and ranking policies: hand computations, a planted case, properties."""

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cchc_analysis import applicable_index, make_synthetic_scores
from cchc_analysis.kps import kps_audit, policy_summary, ranking_policies


def three_units():
    # unit a: field 1 {1.1 max 4: 3 pts; 1.2 max 1: KPS}; field 2 {2.1 max 5: 4 pts}
    # unit b: 1.1: 2, 1.2: 1, 2.1: 5     unit c: 1.1: 4, 1.2: 0, 2.1: KPS
    return pd.DataFrame({
        "year": 2023, "unit_id": np.repeat(["a", "b", "c"], 3), "unit_name": np.repeat(["A", "B", "C"], 3),
        "unit_type": "vu", "field": ["1", "1", "2"] * 3, "criterion": ["1.1", "1.2", "2.1"] * 3,
        "component": "appraisal", "max_points": [4.0, 1.0, 5.0] * 3,
        "points": [3.0, np.nan, 4.0, 2.0, 1.0, 5.0, 4.0, 0.0, np.nan],
        "applicable": [True, False, True, True, True, True, True, True, False],
    })


def test_every_policy_by_hand():
    t = ranking_policies(three_units(), policies=("drop", "full_points", "zero", "own_rate", "peer_rate",
                                                   "published_rounding"))
    idx = t.pivot(index="unit_id", columns="policy", values="index")
    # drop: a 7/9, b 8/10, c 4/5
    assert idx.loc["a", "drop"] == pytest.approx(700 / 9)
    assert idx.loc["b", "drop"] == pytest.approx(80.0)
    assert idx.loc["c", "drop"] == pytest.approx(80.0)
    # full points: a (7+1)/10, c (4+5)/10
    assert idx.loc["a", "full_points"] == pytest.approx(80.0)
    assert idx.loc["c", "full_points"] == pytest.approx(90.0)
    # zero: a 7/10, c 4/10
    assert idx.loc["a", "zero"] == pytest.approx(70.0)
    assert idx.loc["c", "zero"] == pytest.approx(40.0)
    # own rate in the field: a's field-1 rate 3/4 -> 1.2 imputed 0.75 -> (7.75)/10;
    # c has nothing in field 2 -> its overall rate 4/5 -> 2.1 imputed 4 -> 8/10
    assert idx.loc["a", "own_rate"] == pytest.approx(77.5)
    assert idx.loc["c", "own_rate"] == pytest.approx(80.0)
    # peer rate: 1.2 among vu with it: b 1/1, c 0/1 -> 0.5 -> a (7.5)/10;
    # 2.1 among vu with it: a 4/5, b 5/5 -> 0.9 -> c (4 + 4.5)/10
    assert idx.loc["a", "peer_rate"] == pytest.approx(75.0)
    assert idx.loc["c", "peer_rate"] == pytest.approx(85.0)
    # published rounding: 77.777.. -> 77.78, ties b and c share rank 1
    assert idx.loc["a", "published_rounding"] == pytest.approx(77.78)
    ranks = t[t.policy == "drop"].set_index("unit_id")["rank"]
    assert ranks.to_dict() == {"a": 3, "b": 1, "c": 1}


def test_drop_reproduces_applicable_index():
    s = make_synthetic_scores()
    t = ranking_policies(s, year=2023, policies=("drop",)).set_index("unit_id")
    ref = applicable_index(s[s.year == 2023]).set_index("unit_id")
    np.testing.assert_allclose(t["index"], ref.loc[t.index, "index"], rtol=0, atol=1e-12)


@settings(max_examples=40, deadline=None)
@given(seed=st.integers(0, 10_000))
def test_full_points_never_below_drop(seed):
    rng = np.random.default_rng(seed)
    n_units, n_crit = 6, 8
    app = rng.random((n_units, n_crit)) < 0.7
    app[:, 0] = True
    mx = rng.choice([0.5, 1.0, 2.0], n_crit)
    pts = np.round(rng.random((n_units, n_crit)) * mx * 2) / 2
    s = pd.DataFrame({
        "year": 2024, "unit_id": np.repeat([f"u{i}" for i in range(n_units)], n_crit), "unit_type": "vu",
        "field": "1", "criterion": [f"1.{j}" for j in range(n_crit)] * n_units,
        "max_points": np.tile(mx, n_units), "points": np.where(app, pts, np.nan).ravel(),
        "applicable": app.ravel()})
    t = ranking_policies(s).pivot(index="unit_id", columns="policy", values="index")
    assert (t["full_points"] >= t["drop"] - 1e-9).all()
    assert (t["zero"] <= t["drop"] + 1e-9).all()


def test_planted_declarations_flagged_exactly():
    s = make_synthetic_scores()
    y = s[s.year == 2023]
    cuc = y[y.unit_type == "cuc"]
    # criteria that every Cục has applicable in 2023
    share = cuc.groupby("criterion")["applicable"].mean()
    common = sorted(share[share == 1].index)[:5]
    assert len(common) == 5
    target = "cuc-03"
    planted = s.copy()
    m = (planted.year == 2023) & (planted.unit_id == target) & planted.criterion.isin(common)
    planted.loc[m, "applicable"] = False
    planted.loc[m, "points"] = np.nan
    before = kps_audit(s, year=2023).flags
    after = kps_audit(planted, year=2023)
    new = after.flags[after.flags.unit_id == target]
    old = before[before.unit_id == target]
    assert sorted(set(new.criterion) - set(old.criterion)) == common
    assert (new.set_index("criterion").loc[common, "peer_share"] == 1.0).all()
    row = after.units.set_index("unit_id").loc[target]
    was = kps_audit(s, year=2023).units.set_index("unit_id").loc[target]
    assert row.n_flagged == was.n_flagged + 5
    assert row.excluded_share > was.excluded_share and row.robust_z > was.robust_z
    # the five flipped since 2022 (they were applicable)
    flips = after.flips[after.flips.unit_id == target]
    assert set(common) <= set(flips.criterion)
    assert not flips.set_index("criterion").loc[common, "is_applicable"].any()


def test_small_group_not_judged():
    s = make_synthetic_scores()
    a = kps_audit(s, year=2023)
    assert not (a.flags.peer_group == "thanh-tra").any()  # one Thanh tra: no peers
    assert a.units.loc[a.units.peer_group == "thanh-tra", "robust_z"].isna().all()


def test_summary_reports_association_per_policy():
    s = make_synthetic_scores()
    summ = policy_summary(ranking_policies(s, year=2023))
    drop = summ.set_index("policy").loc["drop"]
    assert drop.tau_vs_official == pytest.approx(1.0) and drop.max_move == 0
    assert summ["spearman_official"].nunique() == 1
    # counting KPS as zero punishes units with few tasks: the association with size rises
    z = summ.set_index("policy").loc["zero"]
    assert z.spearman_size > drop.spearman_size


def test_rank_bands_exact_and_normal_agree_and_never_rank_worse():
    s = make_synthetic_scores()
    exact = ranking_policies(s, year=2023, policies=("rank_bands",), n_draws=2000).set_index("unit_id")
    approx = ranking_policies(s, year=2023, policies=("rank_bands",), exact_max_units=0).set_index("unit_id")
    diff = (exact["rank"] - approx.loc[exact.index, "rank"]).abs()
    assert diff.max() <= 2 and diff.mean() < 0.5
    # a band rank counts only units surely better: never worse than the point rank
    assert (exact["rank"] <= exact["official_rank"]).all()
    assert exact["rank"].min() == 1 and exact["rank"].nunique() < exact["official_rank"].nunique()
