"""Plots of the few-task bias audit: funnel plot, index against task size, ranking before/after.

Seaborn-style: each function takes the tidy frame computed by :mod:`cchc_analysis.bias`
first, draws only on the ``ax`` given (or a new one), never saves, and returns the
``Axes``. Labels are Vietnamese by default (``lang="en"`` for English); pass
``synthetic=True`` to stamp a plot drawn from synthetic data.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from matplotlib.lines import Line2D
from scipy import stats

from ..labels import check_lang, label
from ..style import get_ax, legend_outside, place_labels, synthetic_note
from ..text import fmt_number
from .funnel import funnel_limits

__all__ = ["plot_funnel", "plot_index_vs_size", "plot_rank_shift"]

_FEW_COLOUR = "#c0392b"
_BUSY_COLOUR = "#1f77b4"
_GREY = "#9a9a9a"

_TXT = {
    "funnel_title": {"vi": "Biểu đồ phễu: chỉ số theo điểm tối đa phát sinh ({year})",
                     "en": "Funnel plot: index by applicable maximum ({year})"},
    "size_title": {"vi": "Chỉ số và điểm tối đa phát sinh ({year})",
                   "en": "Index and applicable maximum ({year})"},
    "shift_title": {"vi": "Xếp hạng trước và sau chuẩn hóa theo cơ cấu tiêu chí ({year})",
                    "en": "Ranking before and after standardising for criteria mix ({year})"},
    "max_points": {"vi": "Điểm tối đa phát sinh (tổng điểm tối đa các tiêu chí phát sinh)",
                   "en": "Applicable maximum (sum of max points of applicable criteria)"},
    "n_applicable": {"vi": "Số tiêu chí phát sinh", "en": "Applicable criteria"},
    "index": {"vi": "Chỉ số CCHC (%)", "en": "PAR index (%)"},
    "target": {"vi": "Mức chung {v}", "en": "Overall {v}"},
    "l95": {"vi": "Giới hạn 95 %", "en": "95 % limits"},
    "l998": {"vi": "Giới hạn 99,8 %", "en": "99.8 % limits"},
    "od_mult": {"vi": "hiệu chỉnh phân tán quá mức φ = {v}", "en": "overdispersion φ = {v}"},
    "od_add": {"vi": "hiệu chỉnh phân tán quá mức τ² = {v}", "en": "overdispersion τ² = {v}"},
    "od_none": {"vi": "giới hạn nhị thức", "en": "binomial limits"},
    "few-task": {"vi": "Ít nhiệm vụ", "en": "Few-task"},
    "busy": {"vi": "Nhiều nhiệm vụ", "en": "Busy"},
    "rho": {"vi": "ρ Spearman = {v}", "en": "Spearman ρ = {v}"},
    "raw": {"vi": "Hạng theo chỉ số gốc", "en": "Rank, raw index"},
    "adjusted": {"vi": "Hạng theo chỉ số chuẩn hóa", "en": "Rank, standardised index"},
    "shrunk": {"vi": "Hạng theo chỉ số co", "en": "Rank, shrunk index"},
}


def _t(key: str, lang: str, **kw) -> str:
    return _TXT[key][lang].format(**kw)


def _need(data: pd.DataFrame, cols, fn: str, source: str) -> None:
    if not isinstance(data, pd.DataFrame):
        raise ValueError(f"{fn}: `data` must be a DataFrame.")
    missing = [c for c in cols if c not in data.columns]
    if missing:
        raise ValueError(f"{fn}: `data` lacks the column(s) {missing}; pass the output of "
                         f"cchc_analysis.bias.{source}.")


def _group_colours(data: pd.DataFrame) -> np.ndarray:
    if "group" in data.columns:
        return np.where(data["group"].eq("few-task"), _FEW_COLOUR, _BUSY_COLOUR)
    return np.full(len(data), _BUSY_COLOUR)


def plot_funnel(data: pd.DataFrame, *, lang: str = "vi", synthetic: bool = False,
                size_label: str = "max_points", label_outside: bool = True, ax=None):
    """Funnel plot: each unit's index against its size, with 95 % and 99.8 % limits.

    Parameters
    ----------
    data : output of :func:`cchc_analysis.bias.funnel_data`.
    lang : ``"vi"`` or ``"en"``.
    synthetic : stamp the plot as drawn from synthetic data.
    size_label : ``"max_points"`` or ``"n_applicable"``, the x-axis label.
    label_outside : write the names of units outside the 95 % limits.
    ax : Axes to draw on.

    Examples
    --------
    >>> from cchc_analysis.synthetic import make_synthetic_scores
    >>> from cchc_analysis.bias import funnel_data
    >>> ax = plot_funnel(funnel_data(make_synthetic_scores(seed=1, n_cuc=5, n_vu=5, years=(2023,))),
    ...                  synthetic=True)
    >>> len(ax.lines) >= 5
    True
    """
    check_lang(lang)
    _need(data, ["size", "index", "target", "phi", "tau2", "overdispersion", "flag", "year"],
          "plot_funnel", "funnel_data")
    ax = get_ax(ax)
    grid = funnel_limits(data)
    target = float(data["target"].iloc[0])
    ax.axhline(target, color="#333333", lw=1, label=_t("target", lang, v=fmt_number(target, lang, 1)))
    ax.plot(grid["size"], grid["upper95"], color="#555555", ls="--", lw=1, label=_t("l95", lang))
    ax.plot(grid["size"], grid["lower95"], color="#555555", ls="--", lw=1)
    ax.plot(grid["size"], grid["upper998"], color="#555555", ls=":", lw=1.2, label=_t("l998", lang))
    ax.plot(grid["size"], grid["lower998"], color="#555555", ls=":", lw=1.2)
    colours = _group_colours(data)
    for grp in ("few-task", "busy"):
        m = data["group"].eq(grp).to_numpy() if "group" in data.columns else np.ones(len(data), bool)
        if grp == "few-task" and "group" not in data.columns:
            continue
        ax.scatter(data.loc[m, "size"], data.loc[m, "index"], s=30, c=colours[m], alpha=0.85,
                   edgecolor="white", linewidth=0.5, zorder=3,
                   label=_t(grp, lang) if "group" in data.columns else None)
    method = str(data["overdispersion"].iloc[0])
    if method == "multiplicative":
        od = _t("od_mult", lang, v=fmt_number(float(data["phi"].iloc[0]), lang))
    elif method == "additive":
        od = _t("od_add", lang, v=fmt_number(float(data["tau2"].iloc[0]) * 1e4, lang, 1) + " (%²)")
    else:
        od = _t("od_none", lang)
    ax.set_title(_t("funnel_title", lang, year=int(data["year"].iloc[0])) + f"\n{od}", fontsize=11)
    ax.set_xlabel(_t(size_label, lang))
    ax.set_ylabel(_t("index", lang))
    lo = min(float(data["index"].min()), float(grid["lower998"].min()))
    ax.set_ylim(max(0.0, lo - 5), 102)
    legend_outside(ax)
    if label_outside:  # after the limits: labels are placed for the final axes
        names = data["unit_name"] if "unit_name" in data.columns else data["unit_id"]
        out = ~data["flag"].eq("within")
        place_labels(ax, data.loc[out, "size"], data.loc[out, "index"], names[out])
    if synthetic:
        synthetic_note(ax, lang)
    return ax


def plot_index_vs_size(data: pd.DataFrame, *, score: str = "index", lang: str = "vi",
                       synthetic: bool = False, size_label: str = "max_points", ax=None):
    """Scatter of the index (or the standardised index) against the unit's applicable maximum.

    Parameters
    ----------
    data : output of :func:`cchc_analysis.bias.unit_sizes` (or
        :func:`~cchc_analysis.bias.adjusted_ranking`): ``size``, ``group`` and ``score``.
    score : column on the y-axis (``"index"``, ``"index_adjusted"``, ``"index_shrunk"``,
        ``"expected_index"``).
    lang, synthetic, size_label, ax : as in :func:`plot_funnel`.

    A least-squares line of the score on ``log(size)`` is drawn (shape only; the
    inference is in :func:`cchc_analysis.bias.few_task_bias`), with Spearman's ρ in
    the corner.

    Examples
    --------
    >>> from cchc_analysis.synthetic import make_synthetic_scores
    >>> from cchc_analysis.bias import unit_sizes
    >>> ax = plot_index_vs_size(unit_sizes(make_synthetic_scores(seed=1, n_cuc=5, n_vu=5, years=(2023,))))
    >>> ax.get_ylabel()
    'Chỉ số CCHC (%)'
    """
    check_lang(lang)
    _need(data, ["size", score, "year"], "plot_index_vs_size", "unit_sizes")
    ax = get_ax(ax)
    x = data["size"].to_numpy(float)
    y = data[score].to_numpy(float)
    colours = _group_colours(data)
    if "group" in data.columns:
        for grp in ("few-task", "busy"):
            m = data["group"].eq(grp).to_numpy()
            ax.scatter(x[m], y[m], s=32, c=colours[m], alpha=0.85, edgecolor="white", linewidth=0.5,
                       label=_t(grp, lang), zorder=3)
    else:
        ax.scatter(x, y, s=32, c=colours, alpha=0.85, zorder=3)
    ok = np.isfinite(x) & np.isfinite(y) & (x > 0)
    if ok.sum() >= 3 and np.ptp(x[ok]) > 0:
        b = np.polyfit(np.log(x[ok]), y[ok], 1)
        xs = np.linspace(x[ok].min(), x[ok].max(), 100)
        ax.plot(xs, np.polyval(b, np.log(xs)), color=_GREY, lw=1.5, zorder=2)
        rho = stats.spearmanr(x[ok], y[ok])[0]
        ax.text(0.02, 0.03, _t("rho", lang, v=fmt_number(float(rho), lang)), transform=ax.transAxes,
                fontsize=9, color="#333333")
    ax.set_title(_t("size_title", lang, year=int(data["year"].iloc[0])), fontsize=11)
    ax.set_xlabel(_t(size_label, lang))
    ax.set_ylabel(label(score, lang) if score != "index" else _t("index", lang))
    if "group" in data.columns:
        legend_outside(ax)
    if synthetic:
        synthetic_note(ax, lang)
    return ax


def plot_rank_shift(data: pd.DataFrame, *, to: str = "rank_adjusted", lang: str = "vi",
                    synthetic: bool = False, label_all: bool | None = None, ax=None):
    """Slope chart of each unit's rank before (left) and after adjustment (right).

    Parameters
    ----------
    data : output of :func:`cchc_analysis.bias.adjusted_ranking`.
    to : ``"rank_adjusted"`` (standardised index) or ``"rank_shrunk"``.
    lang, synthetic, ax : as in :func:`plot_funnel`.
    label_all : write unit names on both sides (default: when ≤ 40 units).

    Few-task units are drawn in red, busy units in blue; rank 1 is at the top.

    Examples
    --------
    >>> from cchc_analysis.synthetic import make_synthetic_scores
    >>> from cchc_analysis.bias import adjusted_ranking
    >>> ax = plot_rank_shift(adjusted_ranking(make_synthetic_scores(seed=1, n_cuc=5, n_vu=5, years=(2023,))))
    >>> bool(ax.yaxis_inverted())
    True
    """
    check_lang(lang)
    if to not in ("rank_adjusted", "rank_shrunk"):
        raise ValueError(f"The value for `to` must be one of ['rank_adjusted', 'rank_shrunk'], but {to!r} was passed.")
    _need(data, ["rank", to, "year", "unit_id"], "plot_rank_shift", "adjusted_ranking")
    n = len(data)
    ax = get_ax(ax, figsize=(7, max(5, 0.22 * n + 1)))
    colours = _group_colours(data)
    names = (data["unit_name"] if "unit_name" in data.columns else data["unit_id"]).astype(str).to_numpy()
    r0 = data["rank"].to_numpy(float)
    r1 = data[to].to_numpy(float)
    label_all = n <= 40 if label_all is None else label_all
    for i in range(n):
        moved = abs(r1[i] - r0[i]) >= 3
        ax.plot([0, 1], [r0[i], r1[i]], color=colours[i], lw=1.8 if moved else 0.9,
                alpha=0.9 if moved else 0.5)
        if label_all or moved:
            ax.text(-0.03, r0[i], names[i], ha="right", va="center", fontsize=7)
            ax.text(1.03, r1[i], names[i], ha="left", va="center", fontsize=7)
    ax.set_xlim(-0.6, 1.6)
    ax.set_ylim(n + 1.5, 0.5)
    ax.set_yticks([])
    ax.set_xticks([0, 1], [_t("raw", lang), _t("adjusted" if to == "rank_adjusted" else "shrunk", lang)])
    ax.grid(False, axis="x")
    ax.set_title(_t("shift_title", lang, year=int(data["year"].iloc[0])), fontsize=11, pad=22)
    ax.legend(handles=[Line2D([], [], color=_FEW_COLOUR, label=_t("few-task", lang)),
                       Line2D([], [], color=_BUSY_COLOUR, label=_t("busy", lang))],
              fontsize=8, loc="lower center", ncol=2, bbox_to_anchor=(0.5, 0.995), frameon=False)
    if synthetic:
        synthetic_note(ax, lang)
    return ax
