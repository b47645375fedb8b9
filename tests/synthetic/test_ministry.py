"""Tests for cchc_analysis.synthetic: shape, labelling and the planted mechanism."""

from __future__ import annotations

from scipy.stats import spearmanr

from cchc_analysis.scoring import applicable_index
from cchc_analysis.synthetic import make_synthetic_scores, synthetic_criteria


def test_shape_fields_and_types():
    s = make_synthetic_scores(seed=3, years=(2023,))
    fields = s.groupby("unit_type")["field"].agg(lambda f: sorted(set(f)))
    assert fields["cuc"] == list("1234567")
    for t in ("vu", "van-phong", "thanh-tra"):
        assert "6" not in fields[t] and len(fields[t]) == 6
    crit = synthetic_criteria()
    assert crit.loc[crit["saturated"], "criterion"].tolist() == ["7.1", "7.2", "7.3"]
    # unit-specific applicable sets differ between units
    sets = s[s["applicable"]].groupby("unit_id")["criterion"].agg(frozenset)
    assert sets.nunique() > len(sets) // 2


def test_saturated_criteria_near_100_percent():
    s = make_synthetic_scores(seed=4, years=(2023,))
    sat = s[s["criterion"].isin(["7.1", "7.2", "7.3"]) & s["applicable"]]
    assert (sat["points"] == sat["max_points"]).mean() > 0.95


def test_composition_plants_few_task_advantage_and_null_does_not():
    rho_bias, rho_null = [], []
    for seed in range(8):
        for comp, out in ((1.0, rho_bias), (0.0, rho_null)):
            idx = applicable_index(make_synthetic_scores(seed, years=(2023,), composition=comp))
            out.append(spearmanr(idx["max_points"], idx["index"]).statistic)
    assert sum(rho_bias) / 8 < -0.25
    assert abs(sum(rho_null) / 8) < 0.2


def test_truth_and_years():
    s, truth = make_synthetic_scores(seed=5, n_cuc=2, n_vu=2, return_truth=True)
    assert sorted(s["year"].unique()) == [2021, 2022, 2023]
    assert set(truth.columns) == {"year", "unit_id", "unit_type", "ability", "workload"}
    assert len(truth) == 3 * 6
