"""When the units' applicable maxima barely differ, the bias and peer pages say the data
cannot answer the few-task question, instead of an effect "per doubling" read far outside
the data (seen on a province's 15 departments where 4 had one criterion not arising)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from cchc_analysis.bias import bias_decomposition, few_task_bias
from cchc_analysis.bias import findings as bias_findings
from cchc_analysis.peers import findings as peer_findings
from cchc_analysis.scoring import NARROW_MAXIMA, max_spread


def _province(n_units=15, n_crit=23, seed=1):
    """Every unit has every criterion but a few (1 each for 4 units): maxima 22-23 of 23."""
    rng = np.random.default_rng(seed)
    rows = []
    for u in range(n_units):
        a = rng.normal(0.8, 0.08)
        for c in range(n_crit):
            app = not (u % 4 == 0 and c == u % n_crit)
            rows.append({"year": 2025, "unit_id": f"u{u:02d}", "unit_name": f"Sở {u}", "unit_type": "so",
                         "field": str(c // 4 + 1), "criterion": f"{c // 4 + 1}.{c % 4 + 1}", "component": "appraisal",
                         "max_points": 1.0, "points": float(np.clip(rng.normal(a, 0.15), 0, 1)) if app else np.nan,
                         "applicable": app})
    return pd.DataFrame(rows)


def test_max_spread_by_hand():
    s = _province()
    lo, hi = max_spread(s, year=2025)
    assert (lo, hi) == (22.0, 23.0) and hi < NARROW_MAXIMA * lo


def test_bias_page_says_the_data_cannot_answer_when_maxima_barely_differ():
    s = _province()
    res = few_task_bias(s, n_perm=199, year=2025)
    out = bias_findings.findings(res, bias_decomposition(s, year=2025), lang="en", maxima=max_spread(s, year=2025))
    assert out[0].startswith("These data cannot answer it: the units' applicable maxima barely differ (22–23 points, "
                             "4.5% apart)")
    assert not any("per doubling" in x for x in out)  # no extrapolated slope, no model sentence
    vi = bias_findings.findings(res, lang="vi", maxima=max_spread(s, year=2025))
    assert vi[0].startswith("Không kiểm định được với dữ liệu này") and "(22–23 điểm, chênh nhau 4,5 %)" in vi[0]
    # the same results with a real spread of maxima: the slope is quoted as before
    wide = bias_findings.findings(res, lang="en", maxima=(20.0, 40.0))
    assert "per doubling of the applicable maximum" in wide[0]


def test_peer_page_keeps_the_recommendation_without_zero_bias_figures():
    comparison = pd.DataFrame({"year": [2025, 2025], "scheme": ["single_league", "by_unit_type"],
                               "recommended": [True, False], "fairness": [0.0, 0.0], "fairness_model": [0.0, 0.0],
                               "fairness_model_lo": [0.0, 0.0], "fairness_model_hi": [0.0, 0.0], "min_group": [15, 15]})
    out = peer_findings.findings(comparison, lang="vi", maxima=(22.0, 23.0))
    assert len(out) == 1 and out[0].startswith("Đề xuất năm 2025: ") and "(22–23 điểm, chênh nhau 4,5 %)" in out[0]
    assert "KTC" not in out[0]
    assert any("KTC 0,00 đến 0,00" in x for x in peer_findings.findings(comparison, lang="vi", maxima=(20.0, 40.0)))
