"""Tests for cchc_analysis.peers.compare: metrics, the recommendation rule and its words."""

from __future__ import annotations

import time

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from cchc_analysis import peers
from cchc_analysis.peers import (
    by_mapping,
    by_max_band,
    compare_schemes,
    peer_rank,
    resolve_schemes,
    single_league,
)
from cchc_analysis.synthetic import make_synthetic_scores


def test_splitting_by_planted_group_removes_the_association(planted):
    s = planted
    split = by_mapping({"A": "A", "B": "B"}, name="planted_split")
    t = compare_schemes(s, [single_league(), split, by_max_band(2, method="jenks")], n_draws=200).set_index("scheme")
    # single league: A (small max) all above B -> strongly positive (few-task favoured)
    off = peer_rank(s, single_league())
    ref = stats.spearmanr(off["rank_pct"], off["max_points"]).statistic  # scipy reference
    assert t.loc["single_league", "fairness"] == pytest.approx(ref) and ref > 0.7
    # splitting exactly by the planted group removes it (0 by construction, see _PATTERN)
    assert t.loc["planted_split", "fairness"] == pytest.approx(0.0, abs=1e-12)
    # natural breaks find the planted groups by the maximum alone
    assert t.loc["max_band_jenks_k2", "fairness"] == pytest.approx(0.0, abs=1e-12)
    assert t.loc[["planted_split", "max_band_jenks_k2"], ["min_group", "max_group"]].to_numpy().tolist() == [[5, 5], [5, 5]]
    # top 5: single league = all A; split = A0, B0, A1, B1, A2 (rank_pct, then score)
    assert t.loc["single_league", "top_k_few_task_share"] == 1.0
    assert t.loc["planted_split", "top_k_few_task_share"] == pytest.approx(0.6)
    # the gap between the groups is far wider than 5 % of the range: no unit changes band
    assert t.loc["max_band_jenks_k2", "cut_moved_share"] == 0.0
    assert t.loc["max_band_jenks_k2", "cut_sensitivity"] == 0.0
    assert np.isnan(t.loc["planted_split", "cut_sensitivity"])
    # the rule (issue 20): every unit has the same one criterion, so A's lead is ability, not
    # the criteria mix: after the two-way model the league is not biased and is kept
    assert t.loc["single_league", "fairness_model"] == pytest.approx(0.0, abs=1e-12)
    assert t["recommended"].sum() == 1 and t.loc["single_league", "recommended"]
    assert "genuine ability" in t.loc["single_league", "reason_en"]


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_rule_regroups_for_composition_and_keeps_the_league_for_ability(seed, make_world):
    composition_world = make_world
    schemes = [single_league(), by_max_band(2), by_max_band(3)]
    comp = compare_schemes(composition_world(seed=seed), schemes, n_draws=50).set_index("scheme")
    assert comp.loc["single_league", "fairness_model_lo"] > 0  # few-task units ranked above their ability
    assert comp["league_biased"].all() and comp["league_bias_p"].iat[0] < 0.05  # the audit's composition row
    assert not comp.loc["single_league", "recommended"]
    rec = comp[comp["recommended"]].iloc[0]
    assert rec["fairness_gain_lo"] > 0 and "removes genuine differences" in rec["reason_en"]
    abil = compare_schemes(composition_world(seed=seed, ability_slope=-0.8), schemes, n_draws=50).set_index("scheme")
    assert abil.loc["single_league", "fairness"] > 0.5  # the old target calls the true ranking unfair
    assert abil.loc["single_league", "fairness_model_lo"] < 0 < abil.loc["single_league", "fairness_model_hi"]
    assert abil.loc["single_league", "recommended"] and not abil["league_biased"].any()


def test_fairness_model_is_spearman_of_the_discrepancy_from_ability(make_world):
    from cchc_analysis.bias import model_index

    composition_world = make_world
    s = composition_world(seed=4)
    t = compare_schemes(s, [single_league()], n_draws=20, n_boot=0)
    r = peer_rank(s, single_league()).set_index("unit_id")
    ab = model_index(s).set_index("unit_id")["index_model"].loc[r.index]
    ra = (ab.rank(ascending=False, method="min") - 1) / (len(ab) - 1)
    ref = stats.spearmanr(np.round(r["rank_pct"] - ra, 9), r["max_points"]).statistic  # equal gaps tie
    assert t["fairness_model"].iat[0] == pytest.approx(ref)
    assert np.isnan(t["fairness_model_lo"].iat[0])  # no bootstrap asked for


def test_fairness_is_spearman_of_rank_pct_with_maximum(synth):
    t = compare_schemes(synth, [by_max_band(3)], n_draws=50, year=2022)
    r = peer_rank(synth, by_max_band(3), year=2022)
    ref = stats.spearmanr(r["rank_pct"], r["max_points"]).statistic  # scipy reference
    assert t["fairness"].iat[0] == pytest.approx(ref)


def test_agreement_with_the_official_order(synth):
    t = compare_schemes(synth, None, n_draws=50).set_index("scheme")
    assert t.loc["single_league", "kendall_tau"] == pytest.approx(1.0)
    assert t.loc["single_league", "footrule"] == 0.0
    n = int(t["n_units"].iat[0])
    for name, row in t.iterrows():
        f = row["footrule"] * np.floor(n * n / 2)
        k = (1 - row["kendall_tau"]) / 2 * n * (n - 1) / 2  # discordant pairs (no ties in positions)
        assert k - 1e-9 <= f <= 2 * k + 1e-9, name  # Diaconis-Graham
    assert set(t.index) == {s.name for s in peers.builtin_schemes(ks=(2, 3))}


def test_compare_schemes_columns_groups_and_one_recommendation(synth):
    t = compare_schemes(synth, n_draws=100, year=2023)
    need = ["scheme", "fairness", "stability", "kendall_tau", "footrule", "min_group", "max_group",
            "top_k_few_task_share", "cut_sensitivity", "recommended", "reason", "reason_vi", "reason_en"]
    assert all(c in t.columns for c in need)
    assert t["recommended"].sum() == 1
    rec = t[t["recommended"]].iloc[0]
    assert rec["min_group"] >= 3  # eligible under the rule
    off = t.set_index("scheme").loc["single_league"]
    if rec["scheme"] != "single_league":  # regrouped only when the league is biased and this is fairer
        assert off["fairness_model_lo"] > 0 or off["fairness_model_hi"] < 0
        assert rec["fairness_gain_lo"] > 0
    # group sizes agree with peer_rank
    for name in ("by_unit_type", "max_band_quantile_k3"):
        r = peer_rank(synth, resolve_schemes([name])[0], year=2023)
        sizes = r["peer_group"].value_counts()
        row = t.set_index("scheme").loc[name]
        assert (row["min_group"], row["max_group"]) == (sizes.min(), sizes.max())
    # unit types with one unit (van-phong, thanh-tra) make by_unit_type ineligible
    assert t.set_index("scheme").loc["by_unit_type", "min_group"] == 1
    assert t.set_index("scheme").loc["by_unit_type", "reason_en"].startswith("Not recommended: a group has only 1")
    assert t["cut_sensitivity"].notna().tolist() == (t["kind"] == "band").tolist()


def test_compare_schemes_deterministic_under_seed(synth):
    a = compare_schemes(synth, n_draws=200, seed=3)
    b = compare_schemes(synth, n_draws=200, seed=3)
    pd.testing.assert_frame_equal(a, b)
    c = compare_schemes(synth, n_draws=200, seed=4)
    assert not np.allclose(a["stability"], c["stability"])
    pd.testing.assert_series_equal(a["fairness"], c["fairness"])  # not random


def test_compare_schemes_argument_errors(synth):
    with pytest.raises(ValueError, match="n_draws"):
        compare_schemes(synth, n_draws=0)
    with pytest.raises(ValueError, match="top_k"):
        compare_schemes(synth, top_k=0)
    with pytest.raises(ValueError, match="unique"):
        compare_schemes(synth, [single_league(), single_league()])
    with pytest.raises(ValueError, match="empty"):
        compare_schemes(synth, [])


def test_compare_schemes_is_fast_on_the_bundled_size():
    s = make_synthetic_scores(2, n_cuc=18, n_vu=16, years=(2023,))
    compare_schemes(s, [single_league()], n_draws=20)  # warm imports
    t0 = time.perf_counter()
    compare_schemes(s, n_draws=2_000)
    assert time.perf_counter() - t0 < 5.0  # target < ~2 s; loose bound on a shared machine



def test_recommendation_text_in_both_languages(make_world):
    t = compare_schemes(make_world(seed=0), [single_league(), by_max_band(3, method="jenks")], n_draws=50)
    vi, en = peers.recommendation_text(t, "vi"), peers.recommendation_text(t, "en")
    assert vi.startswith("Năm 2023: phương án đề xuất: 3 nhóm theo điểm tối đa (ngắt tự nhiên) (thiên lệch sau mô hình ")
    assert en.startswith("Year 2023: recommended scheme: 3 bands of maximum (natural breaks) (bias after the model ")
    with pytest.raises(ValueError, match="lang"):
        peers.recommendation_text(t, "fr")
    assert peers.scheme_label("custom_thing", "en") == "custom_thing"


def _table(**cols):
    base = {"year": 2023, "kind": "band", "score": "index", "kendall_tau": 0.8}
    t = pd.DataFrame(cols)
    for k, v in base.items():
        if k not in t.columns:
            t[k] = v
    return t


def _rec(table, **kw):
    r = peers.recommendation(table, **kw)
    assert list(r["scheme"]) == list(table["scheme"])
    return r["recommended"].to_numpy(), r["reason_vi"].tolist(), r["reason_en"].tolist()


def test_recommendation_rule_branches():
    # (1) groups of one are ineligible however fair; (2) fairness beats stability beyond the tolerance
    t = _table(scheme=["single_league", "types", "bands_a", "bands_b"], kind=["single", "unit_type", "band", "band"],
               min_group=[30, 1, 10, 10], fairness=[0.40, 0.00, 0.05, 0.20], stability=[0.20, 0.10, 0.35, 0.30])
    rec, vi, en = _rec(t, min_group_size=3, fairness_tol=0.1)
    assert rec.tolist() == [False, False, True, False]
    assert en[1].startswith("Not recommended: a group has only 1") and "larger than that of bands_a" in en[3]
    # (4) within the tolerance the most stable wins, ties broken by kendall_tau
    t2 = t.assign(fairness=[0.40, 0.0, 0.05, 0.12], stability=[0.2, 0.1, 0.30, 0.30], kendall_tau=[1, 0.5, 0.7, 0.9])
    rec, _, en = _rec(t2, min_group_size=3, fairness_tol=0.1)
    assert rec.tolist() == [False, False, False, True] and "less stable" not in en[3]
    # (3) the official single league is kept when it is as fair as the fairest
    t3 = t.assign(fairness=[0.08, 0.0, 0.05, 0.2])
    rec, vi, en = _rec(t3, min_group_size=3, fairness_tol=0.1)
    assert rec.tolist() == [True, False, False, False]
    assert en[0].startswith("Recommended: keep the official single league") and "which is kept" in en[2]
    assert vi[0].startswith("Đề xuất giữ bảng chung chính thức")
    # nothing eligible: all compete, still exactly one
    rec, _, en = _rec(t.assign(min_group=1), min_group_size=3, fairness_tol=0.1)
    assert rec.sum() == 1 and en[int(np.flatnonzero(rec)[0])].startswith("Provisional")


def test_compare_schemes_level_is_a_deprecated_alias_of_confidence(synth):
    new = compare_schemes(synth, [by_max_band(2)], n_draws=100, seed=1, confidence=0.8)
    with pytest.warns(FutureWarning, match="confidence"):
        old = compare_schemes(synth, [by_max_band(2)], n_draws=100, seed=1, level=0.8)
    pd.testing.assert_frame_equal(old, new)
    assert new["stability"].iat[0] < compare_schemes(synth, [by_max_band(2)], n_draws=100, seed=1)["stability"].iat[0]


def test_reasons_use_the_decimal_mark_of_their_language(make_world):
    t = compare_schemes(make_world(seed=1), [single_league(), by_max_band(2)], n_draws=50)
    for i in range(2):
        lo, hi = t["fairness_model_lo"].iat[i], t["fairness_model_hi"].iat[i]
        assert f"{lo:.2f} to {hi:.2f}" in t["reason_en"].iat[i]
        assert f"{lo:.2f} đến {hi:.2f}".replace(".", ",") in t["reason_vi"].iat[i]
    # the rule before issue 20 (a table without the model columns) keeps its words
    old = peers.recommendation(t.drop(columns=["fairness_model_lo"]))
    assert "0,1" in old["reason_vi"].iat[1] and "0.1" in old["reason_en"].iat[1]


def test_weighted_bootstrap_spearman_equals_spearman_of_the_resampled_vectors():
    from cchc_analysis.peers.compare import _boot_spearman, _row_spearman

    rng = np.random.default_rng(0)
    x = np.round(rng.normal(size=30), 1)  # ties
    y = rng.integers(0, 8, 30).astype(float)
    idx = rng.integers(0, 30, (50, 30))
    W = np.stack([np.bincount(r, minlength=30) for r in idx]).astype(float)
    np.testing.assert_allclose(_boot_spearman(x, y, W), _row_spearman(x[idx], y[idx]), rtol=1e-10)
    ref = [stats.spearmanr(x[r], y[r]).statistic for r in idx[:5]]
    np.testing.assert_allclose(_boot_spearman(x, y, W)[:5], ref, rtol=1e-10)


def test_league_bias_p_is_the_composition_row_of_the_audit(make_world):
    from cchc_analysis.bias import few_task_bias

    s = make_world(seed=3)
    t = compare_schemes(s, [single_league()], n_draws=20, n_boot=50)
    audit = few_task_bias(s, n_perm=99).set_index("test")
    assert t["league_bias_p"].iat[0] == pytest.approx(audit.loc["composition", "p_val"], rel=1e-9)
