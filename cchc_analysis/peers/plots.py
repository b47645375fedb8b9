"""Plots of peer-group schemes: who lands in which group, and how the schemes compare.

Statistics come from :mod:`cchc_analysis.peers`; these functions only draw, on the Axes
given (or a new one), and return it. Labels are Vietnamese by default (``lang="vi"``).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..labels import check_lang, label
from ..style import get_ax, legend_outside, synthetic_note
from .schemes import resolve_schemes, scheme_label

__all__ = ["plot_peer_groups", "plot_scheme_metrics", "plot_scheme_panels", "METRICS"]

#: Metrics drawn by :func:`plot_scheme_metrics` by default (all lie in [-1, 1]).
METRICS = ("fairness", "stability", "kendall_tau", "footrule", "top_k_few_task_share", "cut_sensitivity")

_TEXT = {
    "cut": {"vi": "ngưỡng", "en": "cut"},
    "groups_title": {"vi": "Nhóm so sánh theo điểm tối đa: {s} ({y})", "en": "Peer groups by maximum: {s} ({y})"},
    "metrics_title": {"vi": "So sánh các phương án xếp hạng ({y})", "en": "Ranking schemes compared ({y})"},
    "value": {"vi": "Giá trị (0 = công bằng / ổn định; τ = 1: giống bảng chung)",
              "en": "Value (0 = fair / stable; τ = 1: same as single league)"},
    "recommended": {"vi": "★ = đề xuất", "en": "★ = recommended"},
}


def _t(key, lang):
    return _TEXT[key][lang]


def plot_peer_groups(
    data: pd.DataFrame,
    *,
    cuts=None,
    y: str = "index",
    lang: str = "vi",
    synthetic: bool = False,
    ax=None,
):
    """Units by applicable maximum (x) and index (y), coloured by peer group, with cut points.

    Parameters
    ----------
    data : DataFrame
        Output of :func:`cchc_analysis.peers.peer_rank` for one year and one scheme
        (``year, unit_id, scheme, peer_group, max_points, index, score, …``).
    cuts : array-like or None
        Cut points on the maximum to draw as dashed lines. ``None``: computed from the
        data when the scheme is a built-in band scheme (``max_band_*``), else none.
    y : ``"index"`` (official) or ``"score"`` (the value ranked) on the vertical axis.
    lang : ``"vi"`` or ``"en"``.
    synthetic : stamp the plot as synthetic data.
    ax : matplotlib Axes or None.

    Returns
    -------
    matplotlib Axes

    Examples
    --------
    >>> from cchc_analysis.synthetic import make_synthetic_scores
    >>> from cchc_analysis.peers import peer_rank, by_max_band
    >>> r = peer_rank(make_synthetic_scores(0, n_cuc=5, n_vu=5, years=(2023,)), by_max_band(2))
    >>> ax = plot_peer_groups(r, lang="en", synthetic=True)
    >>> len(ax.lines)  # one cut point
    1
    >>> import matplotlib.pyplot as plt; plt.close("all")
    """
    check_lang(lang)
    need = {"year", "scheme", "peer_group", "max_points", y}
    if y not in ("index", "score"):
        raise ValueError(f"The value for `y` must be one of ['index', 'score'], but {y!r} was passed.")
    missing = need - set(data.columns)
    if missing:
        raise ValueError(f"`data` lacks {sorted(missing)}; pass the output of peers.peer_rank.")
    if data["year"].nunique() != 1 or data["scheme"].nunique() != 1:
        raise ValueError("Pass one year and one scheme (filter peer_rank's output, or call it with year=).")
    if len(data) == 0:
        raise ValueError("`data` is empty.")
    name = str(data["scheme"].iat[0])
    year = data["year"].iat[0]
    if cuts is None:
        try:
            scheme = resolve_schemes([name])[0]
        except ValueError:
            scheme = None
        cuts = scheme.cuts(data) if scheme is not None and scheme.cuts is not None else []
    cuts = np.sort(np.asarray(cuts, dtype=float))
    ax = get_ax(ax)
    import seaborn as sns  # lazy: slow to import, and only these two plots use it

    groups = sorted(pd.unique(data["peer_group"]))
    palette = dict(zip(groups, sns.color_palette("colorblind", len(groups))))
    for g in groups:
        d = data[data["peer_group"] == g]
        ax.scatter(d["max_points"], d[y], s=36, color=palette[g], label=f"{g} (n = {len(d)})",
                   edgecolor="white", linewidth=0.5, zorder=3)
    for c in cuts:
        ax.axvline(c, color="#555555", linestyle="--", linewidth=1, zorder=2)
        ax.annotate(f"{_t('cut', lang)} {c:g}", xy=(c, 1.0), xycoords=("data", "axes fraction"),
                    xytext=(3, -12), textcoords="offset points", fontsize=8, color="#555555")
    ax.set_xlabel(label("max_points", lang))
    ax.set_ylabel(label(y, lang))
    ax.set_title(_t("groups_title", lang).format(s=scheme_label(name, lang), y=year))
    legend_outside(ax, title=label("peer_group", lang), title_fontsize=9)
    if synthetic:
        synthetic_note(ax, lang)
    return ax


def plot_scheme_metrics(
    comparison: pd.DataFrame,
    *,
    metrics=METRICS,
    lang: str = "vi",
    synthetic: bool = False,
    ax=None,
):
    """Dot plot of the scheme metrics of :func:`cchc_analysis.peers.compare_schemes`.

    One row per scheme (the recommended one starred), one coloured dot per metric; every
    default metric lies in [-1, 1], so they share one axis. A dashed line marks 0.

    Parameters
    ----------
    comparison : output of ``compare_schemes``.
    metrics : columns to draw (NaN values, e.g. ``cut_sensitivity`` of non-band schemes,
        are left out).
    lang, synthetic, ax : as in :func:`plot_peer_groups`.

    Returns
    -------
    matplotlib Axes

    Examples
    --------
    >>> t = pd.DataFrame({"year": 2023, "scheme": ["single_league", "max_band_jenks_k2"],
    ...     "fairness": [0.4, 0.0], "stability": [0.28, 0.33], "recommended": [False, True]})
    >>> ax = plot_scheme_metrics(t, metrics=("fairness", "stability"), lang="en")
    >>> [t.get_text() for t in ax.get_yticklabels()]
    ['Single league (official)', '★ 2 bands of maximum (natural breaks)']
    >>> import matplotlib.pyplot as plt; plt.close("all")
    """
    check_lang(lang)
    metrics = [metrics] if isinstance(metrics, str) else list(metrics)
    need = {"scheme", *metrics}
    missing = need - set(comparison.columns)
    if missing:
        raise ValueError(f"`comparison` lacks {sorted(missing)}; pass the output of peers.compare_schemes.")
    if not metrics:
        raise ValueError("`metrics` is empty.")
    ax = get_ax(ax)
    import seaborn as sns  # lazy: slow to import, and only these two plots use it

    n = len(comparison)
    colors = sns.color_palette("colorblind", len(metrics))
    offsets = np.linspace(-0.25, 0.25, len(metrics)) if len(metrics) > 1 else np.zeros(1)
    ypos = np.arange(n)[::-1]  # first scheme on top
    markers = ["o", "s", "D", "^", "v", "P", "X", "*"]
    for i, (m, col, off) in enumerate(zip(metrics, colors, offsets)):
        v = comparison[m].to_numpy(dtype=float)
        ok = np.isfinite(v)
        ax.scatter(v[ok], ypos[ok] + off, s=40, color=col, marker=markers[i % len(markers)],
                   label=label(m, lang), zorder=3, edgecolor="white", linewidth=0.5)
    rec = comparison["recommended"].to_numpy(dtype=bool) if "recommended" in comparison.columns else np.zeros(n, bool)
    ticks = [("★ " if r else "") + scheme_label(s, lang) for s, r in zip(comparison["scheme"], rec)]
    ax.set_yticks(ypos, ticks)
    for tick, r in zip(ax.get_yticklabels(), rec):
        if r:
            tick.set_fontweight("bold")
    ax.axvline(0, color="#555555", linestyle="--", linewidth=1, zorder=1)
    ax.set_xlabel(_t("value", lang))
    year = comparison["year"].iat[0] if "year" in comparison.columns and n else ""
    ax.set_title(_t("metrics_title", lang).format(y=year))
    ax.legend(fontsize=8, loc="center left", bbox_to_anchor=(1.01, 0.5),
              title=_t("recommended", lang) if rec.any() else None, title_fontsize=8)
    if synthetic:
        synthetic_note(ax, lang)
    return ax


#: How to read each metric (its direction), shown under each panel of :func:`plot_scheme_panels`.
_DIRECTION = {
    "fairness": {"vi": "gần 0 = công bằng", "en": "near 0 = fair"},
    "stability": {"vi": "nhỏ hơn = ổn định hơn", "en": "smaller = more stable"},
    "kendall_tau": {"vi": "1 = giống bảng chung", "en": "1 = same as the single league"},
    "footrule": {"vi": "0 = giống bảng chung", "en": "0 = same as the single league"},
    "top_k_few_task_share": {"vi": "nhỏ hơn = ít thiên về đơn vị ít nhiệm vụ", "en": "smaller = fewer few-task units on top"},
    "cut_sensitivity": {"vi": "nhỏ hơn = ít phụ thuộc ngưỡng", "en": "smaller = less dependent on the cuts"},
}


def _panel_title(metric: str, lang: str) -> str:
    """The metric's name and, under it, how to read it (once: a hint the name itself
    carries in brackets, e.g. "(0 = công bằng)", gives way to the fuller one).

    >>> _panel_title("fairness", "vi")
    'Thiên lệch theo điểm tối đa\\n(gần 0 = công bằng)'
    >>> _panel_title("kendall_tau", "en")
    'Kendall τ vs single league\\n(1 = same as the single league)'
    """
    import re

    name = label(metric, lang)
    hint = _DIRECTION.get(metric, {}).get(lang, "")
    if not hint:
        return name
    bare = re.sub(r"\s*\([^()]*\)$", "", name)
    return f"{bare}\n({hint})"


def plot_scheme_panels(comparison: pd.DataFrame, *, metrics=METRICS, lang: str = "vi", synthetic: bool = False,
                       ncols: int = 3):
    """One small panel per metric (their directions differ): a bar per scheme, the
    recommended one in colour, how to read the metric under each panel's title.

    Returns the matplotlib Figure.

    Examples
    --------
    >>> t = pd.DataFrame({"year": 2023, "scheme": ["single_league", "max_band_jenks_k2"],
    ...     "fairness": [0.4, 0.0], "stability": [0.28, 0.33], "recommended": [False, True]})
    >>> fig = plot_scheme_panels(t, metrics=("fairness", "stability"), lang="en")
    >>> len(fig.axes)
    2
    >>> import matplotlib.pyplot as plt; plt.close("all")
    """
    import matplotlib.pyplot as plt

    check_lang(lang)
    metrics = [m for m in ([metrics] if isinstance(metrics, str) else list(metrics)) if m in comparison.columns]
    if not metrics:
        raise ValueError("`comparison` has none of the metrics; pass the output of peers.compare_schemes.")
    n = len(comparison)
    ncols = min(ncols, len(metrics))
    nrows = int(np.ceil(len(metrics) / ncols))
    fig, axes = plt.subplots(nrows, ncols, figsize=(4.2 * ncols, 0.32 * n * nrows + 1.6 * nrows), squeeze=False,
                             sharey=True)
    rec = comparison["recommended"].to_numpy(dtype=bool) if "recommended" in comparison.columns else np.zeros(n, bool)
    names = [("★ " if r else "") + scheme_label(s, lang) for s, r in zip(comparison["scheme"], rec)]
    ypos = np.arange(n)[::-1]
    for k, ax in enumerate(axes.flat):
        if k >= len(metrics):
            ax.set_visible(False)
            continue
        m = metrics[k]
        v = comparison[m].to_numpy(dtype=float)
        ok = np.isfinite(v)
        ax.barh(ypos[ok], v[ok], color=np.where(rec[ok], "#c0392b", "#8da0cb"), height=0.6)
        for y in ypos[~ok]:
            ax.text(0, y, " —", va="center", fontsize=8, color="#777777")
        ax.axvline(0, color="#555555", linewidth=0.8)
        ax.set_title(_panel_title(m, lang), fontsize=9)
        ax.set_yticks(ypos, names)
        ax.tick_params(axis="x", labelsize=8)
        ax.tick_params(axis="y", labelsize=8)
        if ok.any():
            lo, hi = min(0.0, float(np.nanmin(v))), max(0.0, float(np.nanmax(v)))
            pad = 0.08 * (hi - lo or 1.0)
            ax.set_xlim(lo - pad, hi + pad)
    year = comparison["year"].iat[0] if "year" in comparison.columns and n else ""
    fig.suptitle(_t("metrics_title", lang).format(y=year), fontweight="bold")
    fig.tight_layout()
    if synthetic:
        synthetic_note(axes.flat[len(metrics) - 1], lang)
    return fig
