"""Plots of the published tables (published/plots.py)."""

from __future__ import annotations

import pytest

from cchc_analysis.published import load_published, plot_published_indices

LEVELS = ("ministry", "province")


@pytest.fixture(scope="module")
def tables():
    return {lv: load_published(lv) for lv in LEVELS}


def test_plot_indices(tables):
    ax = plot_published_indices(tables["ministry"], year=2023, lang="en", highlight="bo-thong-tin-va-truyen-thong")
    assert len(ax.patches) == 17
    labels = [t.get_text() for t in ax.get_yticklabels()]
    assert labels[-1] == "Bộ Tư pháp" and labels[0] == "Bộ Công Thương"  # best at the top
    red = [p for p in ax.patches if p.get_facecolor()[0] > 0.7]
    assert len(red) == 1
    assert "PAR INDEX 2023" in ax.get_title()
    import matplotlib.pyplot as plt

    plt.close("all")


def test_plot_indices_vietnamese_decimal_comma(tables):
    ax = plot_published_indices(tables["ministry"], year=2023)
    texts = [t.get_text() for t in ax.texts]
    assert "89,95" in texts and any(t.startswith(" Trung bình 84,38") for t in texts)
