"""Tests for cchc_analysis.bias.calibration (small worlds; the full study is `make calibrate`)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from cchc_analysis.bias.calibration import (
    SCENARIOS, calibration_summary, calibration_table, run_calibration, simulate_world, user_calibration)
from cchc_analysis.synthetic import make_synthetic_scores


@pytest.fixture(scope="module")
def small():
    return run_calibration(n_worlds=12, sizes=(30,), scenarios=("ability", "disjoint", "composition"))


def test_worlds_are_what_they_say():
    rng = np.random.default_rng(0)
    s, truth = simulate_world("disjoint", 20, rng)
    crit = s.groupby("unit_type")["criterion"].agg(set)
    assert len(crit["A"] & crit["B"]) == 6 and len(crit["A"]) == 12 and len(crit["B"]) == 36
    s, _ = simulate_world("all_or_nothing", 10, rng)
    assert set(np.round(s["points"] / s["max_points"], 6)) <= {0.0, 1.0}
    s, _ = simulate_world("ceiling", 60, rng)
    assert s["points"].sum() / s["max_points"].sum() > 0.8
    with pytest.raises(ValueError, match="scenario"):
        simulate_world("nope", 5, rng)


def test_no_false_unfair_verdict_and_power(small):
    t = calibration_summary(small).set_index("scenario")
    # 12 worlds: a loose bound on the false-verdict rate; the full study gives the rate
    assert t.loc["ability", "unfair_verdict_rate"] <= 0.25
    assert t.loc["disjoint", "unfair_verdict_rate"] <= 0.25
    assert t.loc["composition", "unfair_verdict_rate"] >= 0.8
    # the model-adjusted index tracks true ability at least as well as the raw index
    assert (t["truth_rho_model"] >= t["truth_rho_raw"] - 0.02).all()
    assert t.loc["composition", "truth_rho_model"] > t.loc["composition", "truth_rho_raw"] + 0.05


def test_summary_and_table_roundtrip(small, tmp_path):
    from cchc_analysis.outputs import write_csv
    p = write_csv(small, tmp_path / "cal.csv")
    back = calibration_table(path=p)
    assert (back["source"] == "precomputed").all()
    pd.testing.assert_frame_equal(calibration_summary(back), calibration_summary(small), check_dtype=False)
    assert set(SCENARIOS) >= set(small["scenario"])


def test_user_calibration_size_power_and_cache(tmp_path):
    s = make_synthetic_scores(seed=1, n_cuc=9, n_vu=9, years=(2023,))
    t = user_calibration(s, n_worlds=400, cache_dir=tmp_path)
    assert t["scenario"].tolist() == ["no_association", "composition_observed"]
    assert t["n_units"].iloc[0] == 20
    null = t.set_index("scenario").loc["no_association"]
    assert abs(null["rejection_rate"] - 0.05) < 0.04
    files = list(tmp_path.glob("user_calibration_*.csv"))
    assert len(files) == 1
    again = user_calibration(s, n_worlds=400, cache_dir=tmp_path)  # read from the cache
    pd.testing.assert_frame_equal(again, t, check_dtype=False)
    assert user_calibration(s, n_worlds=400, seed=1, cache_dir=False)["rejection_rate"].notna().all()
    with pytest.raises(ValueError, match="n_worlds"):
        user_calibration(s, n_worlds=3)
