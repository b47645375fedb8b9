"""Tests for cchc_analysis.peers.league: peer_rank, rank_table, the index frame."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cchc_analysis.peers import by_max_band, by_unit_type, peer_rank, rank_table, shrunk_league
from cchc_analysis.peers.league import _index_frame


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




def test_adjusted_scores_are_affine_in_the_index(synth):
    idx = _index_frame(synth, ["index_adjusted", "index_shrunk"], [2023])
    for c in ("index_adjusted", "index_shrunk"):
        np.testing.assert_allclose(idx["index"] * idx[f"_a_{c}"] + idx[f"_b_{c}"], idx[c], atol=1e-9)
    r = peer_rank(synth, shrunk_league(), year=2023)
    assert (r["score"] != r["index"]).any() and r["scheme"].iat[0] == "shrunk_league"



def test_rank_table_is_wide_and_matches_peer_rank(synth):
    w = rank_table(synth, ["single", "unit_type", "max_band_jenks_k2"], year=2023)
    assert len(w) == synth[synth["year"] == 2023]["unit_id"].nunique()
    assert list(w.columns[-3:]) == ["single_league", "by_unit_type", "max_band_jenks_k2"]
    assert w["single_league"].tolist() == sorted(w["single_league"].tolist())
    r = peer_rank(synth, by_max_band(2, method="jenks"), year=2023).set_index("unit_id")["rank"]
    assert (w.set_index("unit_id")["max_band_jenks_k2"] == r.reindex(w["unit_id"])).all()
    with pytest.raises(ValueError, match="value"):
        rank_table(synth, value="score")
