"""Tests for cchc_analysis.bias.decomposition and cchc_analysis.bias.verdict."""

from __future__ import annotations

import pytest

from cchc_analysis.bias import bias_decomposition, bias_verdict, few_task_bias, standardised_index


def test_bias_decomposition_hand_case(tiny):
    d = bias_decomposition(tiny).set_index("part")
    # units a (M=2) few-task; b, c (M=6) busy
    std = standardised_index(tiny).set_index("unit_id")
    gap = std.loc["a", "index"] - (std.loc["b", "index"] + std.loc["c", "index"]) / 2
    comp = std.loc["a", "expected_index"] - std.loc["b", "expected_index"]
    assert d.loc["index", "difference"] == pytest.approx(gap)
    assert d.loc["composition", "difference"] == pytest.approx(comp)
    assert d.loc["remainder", "difference"] == pytest.approx(gap - comp)
    assert d.loc["composition", "share_of_gap"] + d.loc["remainder", "share_of_gap"] == pytest.approx(1)




def test_bias_verdict_languages(biased):
    res = few_task_bias(biased, n_perm=99)
    dec = bias_decomposition(biased)
    vi = bias_verdict(res, lang="vi", decomposition=dec, synthetic=True)
    en = bias_verdict(res, lang="en", decomposition=dec, synthetic=True)
    assert vi.startswith("**Kết luận") and "tổng hợp" in vi
    assert en.startswith("**Verdict") and "Synthetic" in en
    assert "," in vi.split("ρ = ")[1][:6]  # Vietnamese decimal comma
    with pytest.raises(ValueError, match="lang"):
        bias_verdict(res, lang="de")
