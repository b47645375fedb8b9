"""Survey plots draw on the given Axes and say what they show; the survey notebook runs."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest

from cchc_analysis.config import NOTEBOOKS_DIR
from cchc_analysis.survey import (
    criteria_discrimination,
    make_synthetic_survey,
    survey_quality,
    survey_vs_appraisal,
)
from cchc_analysis.survey.plots import plot_criteria_discrimination, plot_survey_quality, plot_survey_vs_appraisal
from cchc_analysis.synthetic import make_synthetic_scores

NOTEBOOK = NOTEBOOKS_DIR / "04_survey_quality.ipynb"


@pytest.fixture(scope="module")
def scores():
    return make_synthetic_scores(3, n_cuc=5, n_vu=5, years=(2023,))


@pytest.fixture(autouse=True)
def _close():
    yield
    plt.close("all")


def test_survey_vs_appraisal_plot_labels_extremes(scores):
    d = survey_vs_appraisal(scores)
    fig, ax = plt.subplots()
    out = plot_survey_vs_appraisal(d, label_top=2, lang="vi", synthetic=True, ax=ax)
    assert out is ax
    labels = {t.get_text() for t in ax.texts}
    top = set(d.nlargest(2, "gap_z")["unit_name"]) | set(d.nsmallest(2, "gap_z")["unit_name"])  # names, not ids
    assert top <= labels and "Dữ liệu giả lập (mô phỏng)" in labels
    assert len(ax.collections[0].get_offsets()) == len(d)
    assert ax.get_xlabel() == "Chỉ số thẩm định (%)" and "2023" in ax.get_title()
    with pytest.raises(ValueError, match="survey_vs_appraisal"):
        plot_survey_vs_appraisal(d.drop(columns="gap_z"))


def test_survey_quality_plot_marks_suspects():
    s, truth = make_synthetic_survey(seed=9, n_cuc=4, n_vu=4, years=(2023,), n_planted=2, return_truth=True)
    q = survey_quality(s)
    ax = plot_survey_quality(q, lang="en", synthetic=True)
    texts = {t.get_text() for t in ax.texts}
    assert set(q.loc[q["suspect_formal"], "unit_id"]) <= texts and "Synthetic data" in texts
    assert [line.get_xdata()[0] for line in ax.lines][:1] == [0.3]
    assert {t.get_text() for t in ax.get_legend().get_texts()} == {"no sign", "suspected formal"}


def test_criteria_plot_colours_flagged_criteria(scores):
    d = criteria_discrimination(scores, by=())
    ax = plot_criteria_discrimination(d, top=6, lang="en")
    bars = ax.patches[:6]
    shown = [t.get_text() for t in ax.get_yticklabels()]
    flagged = set(d.loc[d["non_discriminating"], "criterion"])
    assert len(shown) == 6
    red = {shown[i] for i, b in enumerate(bars) if np.allclose(b.get_facecolor()[:3], matplotlib.colors.to_rgb("#c44e52"))}
    assert red == flagged & set(shown) and red
    with pytest.raises(ValueError, match="several years"):
        plot_criteria_discrimination(pd.concat([d.assign(year=2022), d.assign(year=2023)]))


def test_suspect_labels_do_not_overlap_even_for_units_at_the_same_point():
    from cchc_analysis.survey.plots import plot_survey_quality

    data = pd.DataFrame({"year": 2023, "unit_id": list("abcde"), "unit_name": ["Vụ số 5", "Vụ số 9", "Vụ số 13", "Cục số 6", "Cục số 3"],
                         "share_duplicate": [0.74, 0.735, 0.6, 0.8, 0.5], "share_straightlined": [0.735, 0.74, 0.6, 0.58, 0.0],
                         "burst_share": [0.05, 0.07, 0.05, 0.05, 0.95], "suspect_formal": True})
    ax = plot_survey_quality(data)
    fig = ax.figure
    fig.canvas.draw()
    r = fig.canvas.get_renderer()
    boxes = [t.get_window_extent(r) for t in ax.texts if t.get_text() in set(data["unit_name"])]
    assert len(boxes) == 5
    assert not any(boxes[i].overlaps(boxes[j]) for i in range(5) for j in range(i + 1, 5))
    plt.close(fig)
