"""Tests for cchc_analysis.peers: schemes, within-group ranks, scheme comparison."""

from __future__ import annotations

import itertools
import time

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats

from cchc_analysis import peers
from cchc_analysis.peers import (
    Scheme,
    by_mapping,
    by_max_band,
    by_unit_type,
    compare_schemes,
    natural_breaks,
    peer_rank,
    rank_intervals,
    rank_table,
    resolve_schemes,
    shrunk_league,
    single_league,
    standardised_league,
)
from cchc_analysis.synthetic import make_synthetic_scores

# --------------------------------------------------------------------------- fixtures

# within-group index pattern whose centred ranks (-2..2) have zero covariance with the
# centred max ranks (-2..2): sum(r * s) = -2 + 2 + 0 + 2 - 2 = 0, so Spearman = 0 exactly
_PATTERN = np.array([1, -2, 0, 2, -1])


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


# --------------------------------------------------------------------------- natural breaks


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


# --------------------------------------------------------------------------- schemes


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


def test_scheme_argument_errors():
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
        peer_rank(planted(), by_mapping({"A": "x"}))
    with pytest.raises(ValueError, match="unit_type"):
        peer_rank(planted().drop(columns="unit_type"), by_unit_type())
    with pytest.raises(ValueError, match="2019"):
        peer_rank(planted(), single_league(), year=2019)
    with pytest.raises(ValueError, match="Scheme"):
        peer_rank(planted(), "single_league")


def test_resolve_schemes_names():
    assert [s.name for s in resolve_schemes([], k=3)] == [s.name for s in peers.builtin_schemes()]
    names = [s.name for s in resolve_schemes(["single", "max_band_jenks", "max_band_quantile_k4", "shrunk"], k=2)]
    assert names == ["single_league", "max_band_jenks_k2", "max_band_quantile_k4", "shrunk_league"]
    assert "single" in single_league().name and "standardised" in standardised_league().name


# --------------------------------------------------------------------------- peer_rank


def test_peer_rank_competition_ranks_and_percentiles():
    s = pd.DataFrame({
        "year": 2023, "unit_id": list("abcdef"), "unit_type": ["x", "x", "x", "x", "y", "z"],
        "field": "1", "criterion": "1.1", "component": "appraisal",
        "max_points": 10.0, "points": [9.0, 8.0, 8.0, 5.0, 7.0, 6.0], "applicable": True,
    })
    out = peer_rank(s, by_unit_type())
    assert list(out.columns[:2]) == ["year", "unit_id"]
    r = out.set_index("unit_id")
    assert r.loc[list("abcd"), "rank"].tolist() == [1, 2, 2, 4]  # ties share the best rank
    assert r.loc[list("abcd"), "rank_pct"].tolist() == [0.0, 1 / 3, 1 / 3, 1.0]
    assert r.loc["e", "rank_pct"] == 0.5 and r.loc["f", "n_in_group"] == 1  # group of one
    assert r["scheme"].unique().tolist() == ["by_unit_type"]
    assert {"peer_group", "index", "rank", "n_in_group", "max_points", "rank_pct"} <= set(r.columns)


def test_peer_rank_does_not_mutate_and_covers_years(synth):
    before = synth.copy()
    r = peer_rank(synth, by_max_band(3, method="jenks"))
    pd.testing.assert_frame_equal(synth, before)
    assert sorted(r["year"].unique()) == [2022, 2023]
    assert len(r) == synth.groupby(["year", "unit_id"]).ngroups


@settings(max_examples=25, deadline=None)
@given(st.integers(0, 10_000), st.integers(2, 4), st.sampled_from(["quantile", "jenks"]))
def test_group_sizes_respected(seed, k, method):
    rng = np.random.default_rng(seed)
    n = 12
    mx = rng.choice([20.0, 25.0, 30.0, 35.0, 40.0, 60.0], n)
    s = pd.DataFrame({
        "year": 2023, "unit_id": [f"u{i:02d}" for i in range(n)], "field": "1", "criterion": "1.1",
        "component": "appraisal", "max_points": mx, "points": np.round(mx * rng.uniform(size=n), 2),
        "applicable": True,
    })
    r = peer_rank(s, by_max_band(k, method=method))
    sizes = r.groupby("peer_group")["unit_id"].size()
    assert (r["n_in_group"].to_numpy() == r["peer_group"].map(sizes).to_numpy()).all()
    assert sizes.sum() == n and len(sizes) <= k
    assert ((r["rank"] >= 1) & (r["rank"] <= r["n_in_group"])).all()
    assert r["rank_pct"].between(0, 1).all()
    # bands are contiguous intervals of the maximum
    lo = r.groupby("peer_group")["max_points"].min().sort_values()
    hi = r.groupby("peer_group")["max_points"].max().reindex(lo.index)
    assert (hi.to_numpy()[:-1] < lo.to_numpy()[1:]).all()


# --------------------------------------------------------------------------- compare_schemes


def test_splitting_by_planted_group_removes_the_association():
    s = planted()
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
    # the rule: both fair ones are eligible; the single league is not fair
    assert t["recommended"].sum() == 1 and not t.loc["single_league", "recommended"]


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
    eligible = t[t["min_group"] >= 3]
    assert abs(rec["fairness"]) <= eligible["fairness"].abs().min() + 0.1 + 1e-12
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


# --------------------------------------------------------------------------- Monte Carlo internals


def test_index_draws_are_exact_when_achievement_is_all_or_nothing():
    s = pd.DataFrame({
        "year": 2023, "unit_id": ["a", "a", "b", "b"], "criterion": ["1", "2"] * 2,
        "max_points": [1.0, 3.0, 2.0, 2.0], "points": [1.0, 0.0, 2.0, np.nan],
        "applicable": [True, True, True, False],
    })
    d = peers._index_draws(s, np.array(["a", "b"]), 2023, n_draws=5, n_trials=4, rng=np.random.default_rng(0))
    np.testing.assert_allclose(d, np.tile([25.0, 100.0], (5, 1)))


def test_index_draws_mean_matches_the_index(synth):
    idx = peers._index_frame(synth, ["index"], [2023])
    d = peers._index_draws(synth, idx["unit_id"].to_numpy(), 2023, n_draws=4000, n_trials=4,
                           rng=np.random.default_rng(1))
    np.testing.assert_allclose(d.mean(axis=0), idx["index"].to_numpy(), atol=0.5)


def test_group_rank_pct_draws_match_scipy_rankdata():
    rng = np.random.default_rng(5)
    draws = rng.integers(0, 4, size=(30, 7)).astype(float)  # many ties
    groups = np.array(["x", "y", "x", "x", "z", "y", "x"], dtype=object)
    got = peers._group_rank_pct_draws(draws, groups)
    for d in range(draws.shape[0]):
        for g in np.unique(groups):
            cols = np.flatnonzero(groups == g)
            m = len(cols)
            r = stats.rankdata(-draws[d, cols], method="min")  # competition rank, best = 1
            want = (r - 1) / (m - 1) if m > 1 else np.full(m, 0.5)
            np.testing.assert_allclose(got[d, cols], want)


def test_adjusted_scores_are_affine_in_the_index(synth):
    idx = peers._index_frame(synth, ["index_adjusted", "index_shrunk"], [2023])
    for c in ("index_adjusted", "index_shrunk"):
        np.testing.assert_allclose(idx["index"] * idx[f"_a_{c}"] + idx[f"_b_{c}"], idx[c], atol=1e-9)
    r = peer_rank(synth, shrunk_league(), year=2023)
    assert (r["score"] != r["index"]).any() and r["scheme"].iat[0] == "shrunk_league"


def test_rank_intervals_contain_the_observed_rank_pct(synth):
    r = rank_intervals(synth, by_max_band(2), n_draws=300, seed=2)
    assert (r["rank_pct_low"] <= r["rank_pct_high"]).all()
    assert r["width"].between(0, 1).all()
    assert list(r.columns) == ["year", "unit_id", "scheme", "peer_group", "rank_pct",
                               "rank_pct_low", "rank_pct_high", "width"]
    t = compare_schemes(synth, [by_max_band(2)], n_draws=300, seed=2)
    assert t["stability"].iat[0] == pytest.approx(r["width"].mean())


# --------------------------------------------------------------------------- tables and words


def test_rank_table_is_wide_and_matches_peer_rank(synth):
    w = rank_table(synth, ["single", "unit_type", "max_band_jenks_k2"], year=2023)
    assert len(w) == synth[synth["year"] == 2023]["unit_id"].nunique()
    assert list(w.columns[-3:]) == ["single_league", "by_unit_type", "max_band_jenks_k2"]
    assert w["single_league"].tolist() == sorted(w["single_league"].tolist())
    r = peer_rank(synth, by_max_band(2, method="jenks"), year=2023).set_index("unit_id")["rank"]
    assert (w.set_index("unit_id")["max_band_jenks_k2"] == r.reindex(w["unit_id"])).all()
    with pytest.raises(ValueError, match="value"):
        rank_table(synth, value="score")


def test_recommendation_text_in_both_languages():
    t = compare_schemes(planted(), [single_league(), by_max_band(2, method="jenks")], n_draws=50)
    vi, en = peers.recommendation_text(t, "vi"), peers.recommendation_text(t, "en")
    assert vi.startswith("Năm 2023: phương án đề xuất: 2 nhóm theo điểm tối đa (ngắt tự nhiên)")
    assert en.startswith("Year 2023: recommended scheme: 2 bands of maximum (natural breaks)")
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


def test_recommendation_rule_branches():
    # (1) groups of one are ineligible however fair; (2) fairness beats stability beyond the tolerance
    t = _table(scheme=["single_league", "types", "bands_a", "bands_b"], kind=["single", "unit_type", "band", "band"],
               min_group=[30, 1, 10, 10], fairness=[0.40, 0.00, 0.05, 0.20], stability=[0.20, 0.10, 0.35, 0.30])
    rec, vi, en = peers._recommend(t, min_group_size=3, fairness_tol=0.1)
    assert rec.tolist() == [False, False, True, False]
    assert en[1].startswith("Not recommended: a group has only 1") and "larger than that of bands_a" in en[3]
    # (4) within the tolerance the most stable wins, ties broken by kendall_tau
    t2 = t.assign(fairness=[0.40, 0.0, 0.05, 0.12], stability=[0.2, 0.1, 0.30, 0.30], kendall_tau=[1, 0.5, 0.7, 0.9])
    rec, _, en = peers._recommend(t2, min_group_size=3, fairness_tol=0.1)
    assert rec.tolist() == [False, False, False, True] and "less stable" not in en[3]
    # (3) the official single league is kept when it is as fair as the fairest
    t3 = t.assign(fairness=[0.08, 0.0, 0.05, 0.2])
    rec, vi, en = peers._recommend(t3, min_group_size=3, fairness_tol=0.1)
    assert rec.tolist() == [True, False, False, False]
    assert en[0].startswith("Recommended: keep the official single league") and "which is kept" in en[2]
    assert vi[0].startswith("Đề xuất giữ bảng chung chính thức")
    # nothing eligible: all compete, still exactly one
    rec, _, en = peers._recommend(t.assign(min_group=1), min_group_size=3, fairness_tol=0.1)
    assert rec.sum() == 1 and en[int(np.flatnonzero(rec)[0])].startswith("Provisional")
