"""Tests for cchc_analysis.bias.battery: few_task_bias, one row per test."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from cchc_analysis.bias import bias_decomposition, bias_verdict, few_task_bias, unit_sizes


def test_few_task_bias_table(biased):
    res = few_task_bias(biased, n_perm=499, seed=0, lang="en")
    assert list(res.columns)[:10] == ["test", "method", "statistic", "p_val", "effect_size",
                                      "effect_name", "ci_low", "ci_high", "reject", "n"]
    assert res["test"].iloc[0] == "association"
    assert (res["year"] == 2023).all()  # the latest year by default
    units = unit_sizes(biased)
    assert (res["n"] == len(units)).all() and len(units) == 30
    r = res.set_index("test")
    # rank row = scipy's Spearman rho of index vs applicable max (reference)
    rho = stats.spearmanr(units["max_points"], units["index"])[0]
    assert r.loc["association_rank", "effect_size"] == pytest.approx(rho)
    assert r.loc["association_rank", "ci_low"] <= rho <= r.loc["association_rank", "ci_high"]
    # Brown-Forsythe = scipy.stats.levene(center="median") on the two halves
    few = units["group"].eq("few-task")
    w, p = stats.levene(units.loc[few, "index"], units.loc[~few, "index"], center="median")
    assert r.loc["dispersion", "statistic"] == pytest.approx(w)
    assert r.loc["dispersion", "p_val"] == pytest.approx(p)
    # hypergeometric top-k: hand count and scipy.stats.hypergeom
    k = round(30 / 5)
    top = units.sort_values("index", ascending=False).head(k)
    cnt = int(top["group"].eq("few-task").sum())
    assert r.loc["top_concentration", "statistic"] == cnt
    assert r.loc["top_concentration", "p_val"] == pytest.approx(
        stats.hypergeom.sf(cnt - 1, 30, int(few.sum()), k))
    # primary: regression slope = linregress slope on log(max) times ln 2
    slope = stats.linregress(np.log(units["max_points"]), units["index"]).slope
    assert r.loc["association", "effect_size"] == pytest.approx(slope * np.log(2))
    # the bundled composition mechanism is found by the composition row
    assert r.loc["composition", "reject"] and r.loc["composition", "effect_size"] < 0
    assert "regression_log_max_by_type" in r.index
    assert res["reject"].equals(res["p_val"] <= 0.05)
    assert res["interpretation"].str.len().gt(10).all()


def test_few_task_bias_year_size_and_errors(biased):
    res = few_task_bias(biased, n_perm=99, year=2022, size="n_applicable", lang="vi")
    assert (res["year"] == 2022).all()
    u = unit_sizes(biased, year=2022, size="n_applicable")
    assert res.loc[1, "effect_size"] == pytest.approx(stats.spearmanr(u["n_applicable"], u["index"])[0])
    assert "Thứ hạng theo chỉ số" in res.loc[1, "interpretation"]
    a = few_task_bias(biased, n_perm=99, seed=4)
    b = few_task_bias(biased, n_perm=99, seed=4)
    pd.testing.assert_frame_equal(a, b)  # seeded
    with pytest.raises(ValueError, match="year"):
        few_task_bias(biased, year=1999)
    with pytest.raises(ValueError, match="alpha"):
        few_task_bias(biased, alpha=5)
    with pytest.raises(ValueError, match="size"):
        few_task_bias(biased, size="criteria")
    with pytest.raises(ValueError, match="lang"):
        few_task_bias(biased, lang="fr")


def test_few_task_bias_detects_planted_top_only_advantage():
    # a planted real advantage: few-task units are +15 points better -> top crowded only
    rng = np.random.default_rng(3)
    rows = []
    for u in range(30):
        k = 5 if u < 15 else 25
        p = 0.95 if u < 15 else 0.75
        for c in range(k):
            rows.append((f"u{u:02d}", f"c{c}", 1.0, float(rng.uniform() < p)))
    s = pd.DataFrame(rows, columns=["unit_id", "criterion", "max_points", "points"])
    s["year"] = 2023
    s["applicable"] = True
    res = few_task_bias(s, n_perm=499, lang="en").set_index("test")
    assert res.loc["association", "reject"] and res.loc["association", "effect_size"] < 0
    assert res.loc["top_concentration", "reject"]
    assert not res.loc["bottom_concentration", "reject"]
    # every unit has the same criteria pool (a random-free prefix): the gap is ability, not mix
    assert res.loc["ability", "reject"] and not res.loc["composition", "reject"]
    v = bias_verdict(res.reset_index(), lang="en")
    assert "genuine ability" in v and "keep the single league" in v


def test_few_task_bias_all_units_same_size_is_not_testable():
    rng = np.random.default_rng(0)
    rows = [(f"u{u}", f"c{c}", 1.0, float(rng.uniform() < 0.8)) for u in range(8) for c in range(10)]
    s = pd.DataFrame(rows, columns=["unit_id", "criterion", "max_points", "points"])
    s["year"] = 2023
    s["applicable"] = True
    res = few_task_bias(s, n_perm=99, lang="en")
    assert res["p_val"].isna().all() and not res["reject"].any()
    assert "Cannot be tested" in bias_verdict(res, lang="en", decomposition=bias_decomposition(s))
    with pytest.raises(ValueError, match="at least 5 units"):
        few_task_bias(s[s["unit_id"].isin(["u0", "u1", "u2"])])


def test_twoway_fit_orders_units_and_criteria_as_numpy_and_detects_steps_per_criterion():
    # the fit's unit and criterion order is np.unique's (code points: 'Z' < 'a' < 'ä' < 'Đ'),
    # and each criterion's scoring step is detect_trials over its own rows, in any row order
    from cchc_analysis.bias.twoway import _sorted_codes, detect_trials, fit_twoway

    ids = np.array(["é", "e", "Z", "a", "ä", "10", "9", "Đ", "a", "Z"], dtype=object)
    u, c = _sorted_codes(ids)
    nu, nc = np.unique(ids, return_inverse=True)
    assert u.tolist() == nu.tolist() == ["10", "9", "Z", "a", "e", "ä", "é", "Đ"] and (c == nc).all()
    with pytest.raises(TypeError):                 # a missing id fails as it does in numpy
        _sorted_codes(np.array(["a", np.nan], dtype=object))
    s = pd.DataFrame({"year": 2023, "unit_id": np.repeat(["Đà", "An", "Bá", "Ca"], 3),
                      "criterion": ["y", "x", "z"] * 4, "max_points": 2.0, "applicable": True,
                      "points": [1.5, 1, 2, 0.5, 2, 0, 2, 0, 1, 1, 1, 1.0]}).sample(frac=1, random_state=1)
    f = fit_twoway(s)
    assert f.unit_ids.tolist() == ["An", "Bá", "Ca", "Đà"] and f.criteria.tolist() == ["x", "y", "z"]
    by_c = {c: detect_trials(g["points"], g["max_points"]) for c, g in s.groupby("criterion")}
    assert f.trials.tolist() == [by_c["x"], by_c["y"], by_c["z"]] == [2, 4, 2]
    assert fit_twoway(s, trials={"y": 1}).trials.tolist() == [2, 1, 2]
