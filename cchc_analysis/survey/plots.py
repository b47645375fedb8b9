"""Plots of survey quality and criteria quality.

Statistics come from :mod:`cchc_analysis.survey`; these functions only draw, on the Axes
given (or a new one), and return it. Labels are Vietnamese by default (``lang="vi"``).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..labels import check_lang, label
from ..style import get_ax, legend_outside, place_labels, synthetic_note

__all__ = ["plot_survey_vs_appraisal", "plot_survey_quality", "plot_criteria_discrimination"]

_TEXT = {
    "gap_title": {"vi": "Điều tra XHH so với thẩm định ({y})", "en": "Survey against appraisal ({y})"},
    "fit": {"vi": "đường hồi quy", "en": "regression line"},
    "above": {"vi": "điều tra cao hơn dự kiến", "en": "survey above expectation"},
    "quality_title": {"vi": "Dấu hiệu điền phiếu hình thức ({y})", "en": "Signs of formal survey filling ({y})"},
    "suspect": {"vi": "nghi điền hình thức", "en": "suspected formal"},
    "ok": {"vi": "không có dấu hiệu", "en": "no sign"},
    "threshold": {"vi": "ngưỡng", "en": "threshold"},
    "burst_size": {"vi": "cỡ điểm: tỷ lệ nộp dồn", "en": "marker size: share in a burst"},
    "crit_title": {"vi": "Tiêu chí còn phân loại đơn vị? ({y})", "en": "Do criteria still tell units apart? ({y})"},
    "flagged": {"vi": "nên xem xét thay thế", "en": "candidate to replace"},
    "kept": {"vi": "còn phân loại", "en": "discriminates"},
}


def _t(key, lang, **kw):
    return _TEXT[key][lang].format(**kw)


def _years(data) -> str:
    ys = sorted(pd.unique(data["year"])) if "year" in data.columns else []
    return ", ".join(str(int(y)) for y in ys)


def plot_survey_vs_appraisal(data: pd.DataFrame, *, label_top: int = 5, lang: str = "vi",
                             synthetic: bool = False, ax=None):
    """Each unit's appraisal index (x) against its survey index (y), with a regression line.

    The units whose survey lies furthest above (and below) what their appraisal
    predicts, by ``gap_z``, are labelled (``label_top`` each way).

    Parameters
    ----------
    data : output of :func:`cchc_analysis.survey.survey_vs_appraisal` (usually one year).
    label_top : units to label at each end.
    lang, synthetic, ax : language, synthetic-data stamp, Axes to draw on.

    Returns
    -------
    matplotlib Axes

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> from cchc_analysis.synthetic import make_synthetic_scores
    >>> from cchc_analysis.survey import survey_vs_appraisal
    >>> d = survey_vs_appraisal(make_synthetic_scores(0, n_cuc=4, n_vu=4, years=(2023,)))
    >>> ax = plot_survey_vs_appraisal(d, label_top=2, lang="en")
    >>> len(ax.texts)  # two labels at each end
    4
    >>> plt.close("all")
    """
    check_lang(lang)
    need = {"year", "unit_id", "appraisal_index", "survey_index", "gap_z"}
    missing = need - set(data.columns)
    if missing:
        raise ValueError(f"`data` lacks {sorted(missing)}; pass the output of survey.survey_vs_appraisal.")
    if label_top < 0:
        raise ValueError(f"`label_top` must be >= 0, but {label_top!r} was passed.")
    ax = get_ax(ax)
    d = data.dropna(subset=["appraisal_index", "survey_index"])
    x, y = d["appraisal_index"].to_numpy(dtype=float), d["survey_index"].to_numpy(dtype=float)
    ax.scatter(x, y, s=36, color="#4c72b0", alpha=0.8, edgecolor="white", linewidth=0.5)
    if len(d) >= 2 and np.ptp(x) > 0:
        b, a = np.polyfit(x, y, 1)
        xs = np.array([x.min(), x.max()])
        ax.plot(xs, a + b * xs, color="#888888", linestyle="--", linewidth=1, label=_t("fit", lang))
        legend_outside(ax)
    ax.set_xlabel(label("appraisal_index", lang))
    ax.set_ylabel(label("survey_index", lang))
    ax.set_title(_t("gap_title", lang, y=_years(data)))
    if label_top and len(d):  # last: labels are placed for the final axes limits
        order = d["gap_z"].sort_values(ascending=False)
        picks = list(order.index[:label_top]) + [i for i in order.index[::-1][:label_top] if i not in order.index[:label_top]]
        name = "unit_name" if "unit_name" in d.columns else "unit_id"
        place_labels(ax, d.loc[picks, "appraisal_index"], d.loc[picks, "survey_index"], d.loc[picks, name], fontsize=8)
    if synthetic:
        synthetic_note(ax, lang)
    return ax


def plot_survey_quality(data: pd.DataFrame, *, duplicate_threshold: float = 0.3,
                        straightline_threshold: float = 0.3, lang: str = "vi", synthetic: bool = False, ax=None):
    """Units by share of duplicate forms (x) and straight-lined forms (y), suspects in red.

    Marker size grows with the share of forms submitted in one burst; the dashed lines
    are the thresholds of :func:`cchc_analysis.survey.survey_quality`; suspect units are
    labelled.

    Parameters
    ----------
    data : output of :func:`cchc_analysis.survey.survey_quality`.
    duplicate_threshold, straightline_threshold : thresholds to draw (use those given to
        ``survey_quality``).
    lang, synthetic, ax : language, synthetic-data stamp, Axes to draw on.

    Returns
    -------
    matplotlib Axes

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> q = pd.DataFrame({"year": 2023, "unit_id": ["a", "b"], "share_duplicate": [0.6, 0.0],
    ...     "share_straightlined": [0.1, 0.0], "burst_share": [0.9, 0.1], "suspect_formal": [True, False]})
    >>> ax = plot_survey_quality(q, lang="en")
    >>> [t.get_text() for t in ax.texts]
    ['a']
    >>> plt.close("all")
    """
    check_lang(lang)
    need = {"year", "unit_id", "share_duplicate", "share_straightlined", "suspect_formal"}
    missing = need - set(data.columns)
    if missing:
        raise ValueError(f"`data` lacks {sorted(missing)}; pass the output of survey.survey_quality.")
    ax = get_ax(ax)
    burst = data["burst_share"].fillna(0).to_numpy(dtype=float) if "burst_share" in data else np.zeros(len(data))
    size = 25 + 175 * burst
    sus = data["suspect_formal"].to_numpy(dtype=bool)
    rng = np.random.default_rng(0)  # small fixed jitter so units at (0, 0) do not hide each other
    jx = rng.uniform(-0.006, 0.006, len(data))
    jy = rng.uniform(-0.006, 0.006, len(data))
    x = data["share_duplicate"].to_numpy(dtype=float) + jx
    y = data["share_straightlined"].to_numpy(dtype=float) + jy
    for mask, color, key in ((~sus, "#4c72b0", "ok"), (sus, "#c44e52", "suspect")):
        if mask.any():
            ax.scatter(x[mask], y[mask], s=size[mask], color=color, alpha=0.7, edgecolor="white",
                       linewidth=0.5, label=_t(key, lang))
    name = "unit_name" if "unit_name" in data.columns else "unit_id"
    idx = np.flatnonzero(sus)
    ax.axvline(duplicate_threshold, color="#888888", linestyle="--", linewidth=1)
    ax.axhline(straightline_threshold, color="#888888", linestyle="--", linewidth=1)
    ax.set_xlim(-0.03, 1.03)
    ax.set_ylim(-0.03, 1.03)
    ax.set_xlabel(label("share_duplicate", lang))
    ax.set_ylabel(label("share_straightlined", lang))
    ax.set_title(_t("quality_title", lang, y=_years(data)))
    handles, labels_ = ax.get_legend_handles_labels()
    if handles:
        legend_outside(ax, handles=handles, labels=labels_, title=_t("burst_size", lang), title_fontsize=7)
    place_labels(ax, x[idx], y[idx], data[name].to_numpy()[idx], fontsize=8, color="#c44e52")  # after the limits
    if synthetic:
        synthetic_note(ax, lang)
    return ax


def plot_criteria_discrimination(data: pd.DataFrame, *, threshold: float = 0.9, top: int = 15,
                                 lang: str = "vi", synthetic: bool = False, ax=None):
    """Share of units at the maximum for the ``top`` most saturated criteria, flagged in red.

    Parameters
    ----------
    data : output of :func:`cchc_analysis.survey.criteria_discrimination` for one year
        (or pooled with ``by=()``).
    threshold : the threshold used, drawn as a dashed line.
    top : criteria to show (highest share at maximum first).
    lang, synthetic, ax : language, synthetic-data stamp, Axes to draw on.

    Returns
    -------
    matplotlib Axes

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> d = pd.DataFrame({"criterion": ["7.1", "1.1"], "share_at_max": [1.0, 0.4],
    ...                   "non_discriminating": [True, False]})
    >>> ax = plot_criteria_discrimination(d, lang="en")
    >>> [t.get_text() for t in ax.get_yticklabels()]
    ['7.1', '1.1']
    >>> plt.close("all")
    """
    check_lang(lang)
    need = {"criterion", "share_at_max", "non_discriminating"}
    missing = need - set(data.columns)
    if missing:
        raise ValueError(f"`data` lacks {sorted(missing)}; pass the output of survey.criteria_discrimination.")
    if "year" in data.columns and data["year"].nunique() > 1:
        raise ValueError("`data` holds several years; pass one year (or pool with by=()).")
    if top < 1:
        raise ValueError(f"`top` must be >= 1, but {top!r} was passed.")
    ax = get_ax(ax)
    d = data.sort_values(["share_at_max", "criterion"], ascending=[False, True]).head(top)
    pos = np.arange(len(d))[::-1]
    flagged = d["non_discriminating"].to_numpy(dtype=bool)
    colors = np.where(flagged, "#c44e52", "#4c72b0")
    ax.barh(pos, d["share_at_max"].to_numpy(dtype=float), color=colors, height=0.7)
    ax.set_yticks(pos)
    ax.set_yticklabels(d["criterion"].astype(str).tolist())
    ax.axvline(threshold, color="#888888", linestyle="--", linewidth=1)
    ax.set_xlim(0, 1.02)
    ax.set_xlabel(label("share_at_max", lang))
    ax.set_ylabel(label("criterion", lang))
    title_years = _years(data) if "year" in data.columns else "∑"
    ax.set_title(_t("crit_title", lang, y=title_years))
    from matplotlib.patches import Patch

    ax.legend(handles=[Patch(color="#c44e52", label=_t("flagged", lang)), Patch(color="#4c72b0", label=_t("kept", lang))],
              loc="lower right", bbox_to_anchor=(1.0, 0.05), frameon=True, framealpha=0.95, edgecolor="none",
              fontsize=8)  # a white box: the threshold line runs behind it, not through the words
    if synthetic:
        synthetic_note(ax, lang)
    return ax
