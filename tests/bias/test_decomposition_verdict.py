"""Tests for cchc_analysis.bias.decomposition and cchc_analysis.bias.verdict."""

from __future__ import annotations

import pytest

import pandas as pd

from cchc_analysis.bias import bias_decomposition, bias_mechanism, bias_verdict, few_task_bias, model_index


def test_bias_decomposition_hand_case(tiny):
    d = bias_decomposition(tiny).set_index("part")
    # units a (M=2) few-task; b, c (M=6) busy
    std = model_index(tiny).set_index("unit_id")
    gap = std.loc["a", "index"] - (std.loc["b", "index"] + std.loc["c", "index"]) / 2
    comp = std.loc["a", "composition"] - (std.loc["b", "composition"] + std.loc["c", "composition"]) / 2
    assert comp > 0  # a has only the easy criterion
    assert d.loc["index", "difference"] == pytest.approx(gap)
    assert d.loc["composition", "difference"] == pytest.approx(comp)
    assert d.loc["remainder", "difference"] == pytest.approx(gap - comp)
    assert d.loc["composition", "share_of_gap"] + d.loc["remainder", "share_of_gap"] == pytest.approx(1)




def test_bias_verdict_languages(biased):
    res = few_task_bias(biased, n_perm=99)
    dec = bias_decomposition(biased)
    vi = bias_verdict(res, lang="vi", decomposition=dec, synthetic=True)
    en = bias_verdict(res, lang="en", decomposition=dec, synthetic=True)
    assert vi.startswith("**Kết luận") and "giả lập" in vi
    assert en.startswith("**Verdict") and "Synthetic" in en
    assert "," in vi.split("Kết luận")[1].split("điểm %")[0]  # Vietnamese decimal comma
    assert bias_mechanism(res) == "composition" and "Unfair" in en
    assert "bands also remove the real differences" in en and "xóa cả khác biệt thật" in vi
    with pytest.raises(ValueError, match="lang"):
        bias_verdict(res, lang="de")


def _rows(**rej):
    tests = ["association", "ability", "composition", "dispersion", "top_concentration", "bottom_concentration"]
    return pd.DataFrame({"test": tests, "reject": [rej.get(t, False) for t in tests],
                         "p_val": [0.01 if rej.get(t) else 0.5 for t in tests],
                         "effect_size": [-3.0, -3.0, -2.0, 1.5, 2.0, 2.0], "year": 2023, "n": 40})


@pytest.mark.parametrize("rej, mech, words", [
    ({"association": True, "ability": True}, "ability", "keep the single league"),
    ({"association": True, "composition": True}, "composition", "model-adjusted index"),
    ({"association": True}, "association", "cannot be told apart"),
    ({"dispersion": True}, "variance", "rank intervals"),
    ({}, "none", "No evidence"),
])
def test_bias_verdict_advice_follows_the_mechanism(rej, mech, words):
    t = _rows(**rej)
    assert bias_mechanism(t) == mech
    assert words in bias_verdict(t, lang="en")
    assert bias_verdict(t, lang="vi").startswith("**Kết luận")
