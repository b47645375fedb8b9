"""Small version of the calibration study (the full one: `make calibrate`)."""

from __future__ import annotations

import pytest
from scipy import stats

from cchc_analysis.bias.calibration import calibration_summary, calibration_table, run_calibration


@pytest.fixture(scope="module")
def small():
    return run_calibration(n_worlds=60, n_worlds_power=30, n_perm=199, seed=1,
                           scenarios=("null_ministry", "composition_1.0"))


def _value(table, scenario, metric):
    row = table[(table["scenario"] == scenario) & (table["metric"] == metric)]
    assert len(row) == 1, (scenario, metric)
    return float(row["value"].iloc[0])


def test_primary_test_size_in_null_ministry(small):
    rate = _value(small, "null_ministry", "reject_association")
    worlds = 60
    # loose two-sided binomial bound around alpha = 0.05 (99.9 % under the null rate)
    lo = stats.binom.ppf(0.0005, worlds, 0.05) / worlds
    hi = stats.binom.ppf(0.9995, worlds, 0.05) / worlds
    assert lo <= rate <= hi


def test_primary_test_size_in_heteroscedastic_null():
    t = run_calibration(n_worlds=400, n_perm=199, seed=2, scenarios=("null_heteroscedastic",))
    rate = _value(t, "null_heteroscedastic", "reject_association")
    assert stats.binom.ppf(0.0005, 400, 0.05) / 400 <= rate <= stats.binom.ppf(0.9995, 400, 0.05) / 400


def test_standardised_index_tracks_ability_better_under_composition(small):
    raw = _value(small, "composition_1.0", "truth_rho_raw")
    std = _value(small, "composition_1.0", "truth_rho_standardised")
    assert std > raw
    # and the planted composition bias is detected more often than alpha
    assert _value(small, "composition_1.0", "reject_association") > 0.05


def test_summary_and_table_roundtrip(small, tmp_path):
    from cchc_analysis.outputs import write_csv

    s = calibration_summary(small)
    assert s["scenario"].tolist() == ["null_ministry", "composition_1.0"]
    assert s.loc[0, "ok"] in (True, False) and s.loc[1, "ok"] is None
    path = write_csv(small, tmp_path / "cal.csv")
    back = calibration_table(path=path)
    assert (back["source"] == "precomputed").all()
    assert back["value"].tolist() == pytest.approx(small["value"].tolist())
    with pytest.raises(ValueError, match="scenario"):
        run_calibration(n_worlds=1, scenarios=("nope",))
