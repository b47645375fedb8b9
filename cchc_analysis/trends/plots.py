"""Plots of ranking trends: bump chart, slope chart, rank intervals, attribution waterfall.

Seaborn-style: each function takes the tidy frame computed by :mod:`cchc_analysis.trends`
first, draws only on the ``ax`` given (or a new one), never saves, and returns the
``Axes``. Labels are Vietnamese by default (``lang="en"`` for English); pass
``synthetic=True`` to stamp a plot drawn from synthetic data.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from matplotlib.ticker import MaxNLocator

from ..labels import check_lang, label
from ..style import get_ax, integer_rank_axis, spread, synthetic_note

__all__ = ["plot_bump", "plot_slope", "plot_rank_intervals", "plot_attribution_waterfall", "plot_attribution_waterfalls"]

_HIGHLIGHT = ["#c0392b", "#1f77b4", "#2ca02c", "#9467bd", "#ff7f0e", "#17becf"]
_GREY = "#b9b9b9"

_TXT = {
    "bump_title": {"vi": "Thứ hạng qua các năm", "en": "Rank over the years"},
    "slope_title": {"vi": "Thay đổi {what} {a} → {b}", "en": "Change in {what} {a} → {b}"},
    "intervals_title": {"vi": "Hạng và khoảng hạng {pct} % ({year})", "en": "Rank and {pct}% rank interval ({year})"},
    "band": {"vi": "nhóm hạng", "en": "rank band"},
    "break": {"vi": "đổi phương pháp", "en": "methodology change"},
    "waterfall_rank": {"vi": "Phân tách thay đổi hạng", "en": "Rank change, decomposed"},
    "waterfall_index": {"vi": "Phân tách thay đổi chỉ số", "en": "Index change, decomposed"},
    "places": {"vi": "Số bậc tăng (+) / giảm (−)", "en": "Places gained (+) / lost (−)"},
    "points": {"vi": "Điểm chỉ số", "en": "Index points"},
    "total": {"vi": "Tổng", "en": "Total"},
    "own_score": {"vi": "Điểm của đơn vị", "en": "Own score"},
    "others": {"vi": "Các đơn vị khác", "en": "Other units"},
    "appraisal": {"vi": "Thẩm định", "en": "Appraisal"},
    "survey": {"vi": "Điều tra XHH", "en": "Survey"},
    "rounding": {"vi": "Làm tròn", "en": "Rounding"},
    "field": {"vi": "LV", "en": "Field"},
    "not_computable": {"vi": "Không tính được từ dữ liệu này", "en": "Not computable from these data"},
    "unit": {"vi": "Đơn vị", "en": "Unit"},
}


def _t(key: str, lang: str, **kw) -> str:
    return _TXT[key][lang].format(**kw)


def _need(data: pd.DataFrame, cols, fn: str) -> None:
    if not isinstance(data, pd.DataFrame):
        raise ValueError(f"{fn}: `data` must be a DataFrame.")
    missing = [c for c in cols if c not in data.columns]
    if missing:
        raise ValueError(f"{fn}: `data` lacks the column(s) {missing}; pass the output of the matching "
                         "cchc_analysis.trends function.")


def _highlights(highlight) -> list[str]:
    if highlight is None:
        return []
    return [highlight] if isinstance(highlight, str) else [str(h) for h in highlight]


def plot_bump(data: pd.DataFrame, *, highlight=None, lang: str = "vi", synthetic: bool = False,
              label_all: bool | None = None, ax=None):
    """Bump chart: each unit's rank over the years (1 at the top), gaps left open.

    Parameters
    ----------
    data : output of :func:`cchc_analysis.trends.rank_trajectory`.
    highlight : lineage id(s) drawn in colour; the others are grey.
    lang : ``"vi"`` or ``"en"``.
    synthetic : stamp the plot as drawn from synthetic data.
    label_all : write every unit's name at its last rank (default: when ≤ 20 units).
    ax : Axes to draw on.

    Years after a methodology break (``break_before``) get a dashed vertical line.

    Examples
    --------
    >>> from cchc_analysis.trends import rank_trajectory
    >>> pub = pd.DataFrame({"year": [2021, 2021, 2022, 2022], "unit_id": list("abab"),
    ...                     "index": [80.0, 85.0, 90.0, 84.0]})
    >>> ax = plot_bump(rank_trajectory(pub), highlight="a")
    >>> bool(ax.yaxis_inverted())
    True
    """
    check_lang(lang)
    _need(data, ["lineage_id", "year", "rank", "unit_name"], "plot_bump")
    ax = get_ax(ax, figsize=(max(8.0, 0.6 * data["year"].nunique() + 4.0), 5.5))
    hl = _highlights(highlight)
    ids = list(dict.fromkeys(data["lineage_id"]))
    if label_all is None:
        label_all = len(ids) <= 20
    years = np.sort(data["year"].unique())
    ends = []  # (x, y, name, highlighted, colour) of the labels at each line's last rank
    for lid in sorted(ids, key=lambda x: x in hl):  # highlighted drawn last (on top)
        g = data[data["lineage_id"] == lid].sort_values("year")
        y = pd.to_numeric(g["rank"], errors="coerce").astype(float).to_numpy()
        x = g["year"].to_numpy()
        is_hl = lid in hl
        color = _HIGHLIGHT[hl.index(lid) % len(_HIGHLIGHT)] if is_hl else _GREY
        ax.plot(x, y, "-o", color=color, lw=2.6 if is_hl else 1.0, ms=6 if is_hl else 3,
                alpha=1.0 if is_hl else 0.7, zorder=3 if is_hl else 2)
        last = np.flatnonzero(~np.isnan(y))
        if len(last) and (is_hl or (label_all and x[last[-1]] == years.max())):
            i = last[-1]
            ends.append((x[i], y[i], str(g["unit_name"].iloc[i]), is_hl, color))
    if "break_before" in data.columns:
        by = sorted(data.loc[data["break_before"].astype(bool), "year"].unique())
        for yb in by:
            if yb <= years.min():
                continue
            ax.axvline(yb - 0.5, color="#7f7f7f", ls="--", lw=1, zorder=1)  # named in the breaks table
    ax.set_xticks(years)
    ax.set_xticklabels([str(int(y)) for y in years])
    rmax = pd.to_numeric(data["rank"], errors="coerce").max()
    if pd.notna(rmax):
        integer_rank_axis(ax, float(rmax))
    else:
        ax.yaxis.set_major_locator(MaxNLocator(integer=True))
    if not ax.yaxis_inverted():
        ax.invert_yaxis()
    if ends:  # labels at the last rank, moved apart so that none overlaps
        ys = spread([e[1] for e in ends], 0.95)
        for (x0, y0, name, is_hl, color), yl in zip(ends, ys):
            ax.annotate(name, (x0, y0), xytext=(x0 + 0.25, yl), textcoords="data", va="center",
                        fontsize=8 if not is_hl else 9, color=color if is_hl else "#555555",
                        fontweight="bold" if is_hl else "normal",
                        arrowprops=dict(arrowstyle="-", color="#bbbbbb", lw=0.5) if abs(yl - y0) > 0.3 else None)
    ax.set_xlabel(label("year", lang))
    ax.set_ylabel(label("rank", lang))
    ax.set_title(_t("bump_title", lang))
    if len(years) > 0:
        ax.set_xlim(years.min() - 0.3, years.max() + (0.3 + 0.12 * max(len(e[2]) for e in ends) if ends else 0.3))
    if synthetic:
        synthetic_note(ax, lang)
    return ax


def plot_slope(data: pd.DataFrame, *, year_from: int, year_to: int, value: str = "rank", highlight=None,
               lang: str = "vi", synthetic: bool = False, ax=None):
    """Slope chart: each unit's rank (or index) in ``year_from`` joined to ``year_to``.

    Parameters
    ----------
    data : output of :func:`cchc_analysis.trends.rank_trajectory`.
    year_from, year_to : the two years.
    value : ``"rank"`` (1 at the top) or ``"index"``.
    highlight : lineage id(s) drawn in colour.

    Examples
    --------
    >>> from cchc_analysis.trends import rank_trajectory
    >>> pub = pd.DataFrame({"year": [2021, 2021, 2022, 2022], "unit_id": list("abab"),
    ...                     "index": [80.0, 85.0, 90.0, 84.0]})
    >>> ax = plot_slope(rank_trajectory(pub), year_from=2021, year_to=2022, highlight="a")
    >>> len(ax.lines)
    2
    """
    check_lang(lang)
    if value not in ("rank", "index"):
        raise ValueError(f"The value for `value` must be one of ['rank', 'index'], but {value!r} was passed.")
    _need(data, ["lineage_id", "year", value, "unit_name"], "plot_slope")
    ax = get_ax(ax, figsize=(6, 7))
    hl = _highlights(highlight)
    a = data[data["year"] == int(year_from)].set_index("lineage_id")
    b = data[data["year"] == int(year_to)].set_index("lineage_id")
    common = [i for i in a.index if i in b.index]
    va = pd.to_numeric(a[value], errors="coerce").astype(float)
    vb = pd.to_numeric(b[value], errors="coerce").astype(float)
    n_lab = len(common) <= 25
    right = []  # (rank at the second year, name, highlighted, colour)
    for lid in sorted(common, key=lambda x: x in hl):
        y0, y1 = va.get(lid), vb.get(lid)
        if not (np.isfinite(y0) and np.isfinite(y1)):
            continue
        is_hl = lid in hl
        color = _HIGHLIGHT[hl.index(lid) % len(_HIGHLIGHT)] if is_hl else _GREY
        ax.plot([0, 1], [y0, y1], "-o", color=color, lw=2.6 if is_hl else 1.0, ms=5 if is_hl else 3,
                zorder=3 if is_hl else 2)
        if is_hl or n_lab:
            name = str(b.loc[lid, "unit_name"])
            right.append((y1, name, is_hl, color))
            if is_hl:
                ax.annotate(name, (0, y0), xytext=(-6, 0), textcoords="offset points",
                            va="center", ha="right", fontsize=9, color=color, fontweight="bold")
    ax.set_xticks([0, 1])
    ax.set_xticklabels([str(year_from), str(year_to)])
    ax.set_xlim(-0.5, 1.6)
    vals = pd.concat([va.reindex(common), vb.reindex(common)]).dropna()
    if value == "rank" and len(vals):
        integer_rank_axis(ax, float(vals.max()))
    if value == "rank" and not ax.yaxis_inverted():
        ax.invert_yaxis()
    if right:  # names at the second year, moved apart so that none overlaps
        lo, hi = ax.get_ylim()
        gap = 0.035 * abs(hi - lo)
        ys = spread([r[0] for r in right], gap)
        for (y1, name, is_hl, color), yl in zip(right, ys):
            ax.annotate(name, (1, y1), xytext=(1.06, yl), textcoords="data", va="center",
                        fontsize=9 if is_hl else 7, color=color if is_hl else "#555555",
                        fontweight="bold" if is_hl else "normal",
                        arrowprops=dict(arrowstyle="-", color="#bbbbbb", lw=0.5) if abs(yl - y1) > gap / 3 else None)
    ax.set_ylabel(label(value, lang))
    what = label(value, lang).lower() if lang == "vi" else label(value, lang).lower()
    ax.set_title(_t("slope_title", lang, what=what, a=year_from, b=year_to))
    crossing = data[(data["year"] > min(year_from, year_to)) & (data["year"] <= max(year_from, year_to))]
    if "break_before" in data.columns and crossing["break_before"].astype(bool).any():
        ax.text(0.5, 0.995, _t("break", lang), transform=ax.transAxes, ha="center", va="top",
                fontsize=8, color="#c00000")
    if synthetic:
        synthetic_note(ax, lang)
    return ax


def plot_rank_intervals(data: pd.DataFrame, *, highlight=None, year: int | None = None, lang: str = "vi",
                        synthetic: bool = False, ax=None):
    """Caterpillar plot: each unit's rank with its Monte Carlo interval, bands shaded.

    Parameters
    ----------
    data : output of :func:`cchc_analysis.trends.rank_intervals`.
    highlight : unit id(s) drawn in colour.
    year : which year to draw (default: the last).

    Examples
    --------
    >>> from cchc_analysis.trends import rank_intervals
    >>> sc = pd.DataFrame({"year": 2023, "unit_id": ["a", "b", "c"], "criterion": "1",
    ...     "component": "appraisal", "max_points": 1.0, "points": [1.0, 0.5, 0.25],
    ...     "applicable": True})
    >>> ax = plot_rank_intervals(rank_intervals(sc, n_draws=100), highlight="b")
    >>> [t.get_text() for t in ax.get_yticklabels()]
    ['a', 'b', 'c']
    """
    check_lang(lang)
    _need(data, ["year", "unit_id", "unit_name", "rank", "rank_lo", "rank_hi", "band"], "plot_rank_intervals")
    yr = int(data["year"].max()) if year is None else int(year)
    d = data[data["year"] == yr].sort_values(["rank", "unit_id"]).reset_index(drop=True)
    if d.empty:
        raise ValueError(f"plot_rank_intervals: no rows for year {yr}.")
    ax = get_ax(ax, figsize=(8, max(3.0, 0.22 * len(d) + 1.2)))
    hl = _highlights(highlight)
    y = np.arange(len(d))
    bands = d["band"].to_numpy()
    for k, bnum in enumerate(np.unique(bands)):
        rows = np.flatnonzero(bands == bnum)
        if k % 2 == 0:
            ax.axhspan(rows.min() - 0.5, rows.max() + 0.5, color="#eef2f7", zorder=0)
    colors = [(_HIGHLIGHT[hl.index(u) % len(_HIGHLIGHT)] if u in hl else "#34495e") for u in d["unit_id"]]
    ax.hlines(y, d["rank_lo"], d["rank_hi"], colors=colors, lw=2, zorder=2)
    ax.scatter(d["rank"], y, c=colors, s=22, zorder=3)
    ax.set_yticks(y)
    ax.set_yticklabels([str(n) for n in d["unit_name"]], fontsize=8 if len(d) > 25 else 9)
    for tick, u in zip(ax.get_yticklabels(), d["unit_id"]):
        if u in hl:
            tick.set_color(_HIGHLIGHT[hl.index(u) % len(_HIGHLIGHT)])
            tick.set_fontweight("bold")
    ax.invert_yaxis()
    integer_rank_axis(ax, float(max(d["rank_hi"].max(), d["rank"].max())), axis="x")
    ax.set_xlabel(label("rank", lang))
    pct = f"{100 * float(d['confidence'].iloc[0]):g}" if "confidence" in d.columns else "90"
    ax.set_title(_t("intervals_title", lang, pct=pct, year=yr))
    ax.text(1.0, 1.005, f"▒ {_t('band', lang)}", transform=ax.transAxes, ha="right", va="bottom",
            fontsize=7, color="#555555")
    if synthetic:
        synthetic_note(ax, lang)
    return ax


def plot_attribution_waterfall(data: pd.DataFrame, *, group: str = "rank", lang: str = "vi",
                               synthetic: bool = False, ax=None):
    """Waterfall of the parts of a rank change (``group="rank"``) or index change.

    Parameters
    ----------
    data : output of :func:`cchc_analysis.trends.rank_change_attribution`.
    group : ``"rank"`` (own score vs others, in places gained), ``"component"``
        (appraisal vs survey) or ``"field"`` (index points).

    Bars start where the previous part ended; the last bar is the total. A group the
    data cannot give is drawn as an empty panel saying so.

    Examples
    --------
    >>> from cchc_analysis.trends import rank_change_attribution
    >>> pub = pd.DataFrame({"year": [2022] * 3 + [2023] * 3, "unit_id": list("abcabc"),
    ...                     "index": [90.0, 80.0, 70.0, 75.0, 85.0, 72.0]})
    >>> att = rank_change_attribution(pub, unit="a", year_from=2022, year_to=2023)
    >>> ax = plot_attribution_waterfall(att)
    >>> [t.get_text() for t in ax.get_xticklabels()]
    ['Điểm của đơn vị', 'Các đơn vị khác', 'Tổng']
    """
    check_lang(lang)
    if group not in ("rank", "component", "field"):
        raise ValueError(f"The value for `group` must be one of ['rank', 'component', 'field'], but {group!r} was passed.")
    _need(data, ["group", "part", "value", "computable"], "plot_attribution_waterfall")
    ax = get_ax(ax, figsize=(7, 4.5))
    parts = data[(data["group"] == group) & data["computable"].astype(bool)]
    if group == "rank":
        parts = parts[parts["part"] != "total"]
        total = data.loc[(data["group"] == "rank") & (data["part"] == "total"), "value"]
        ylab, title = _t("places", lang), _t("waterfall_rank", lang)
    else:
        total = data.loc[(data["group"] == "index") & (data["part"] == "total"), "value"]
        ylab, title = _t("points", lang), _t("waterfall_index", lang)
    if parts.empty or total.empty:
        ax.text(0.5, 0.5, _t("not_computable", lang), transform=ax.transAxes, ha="center", va="center",
                fontsize=11, color="#555555")
        ax.set_xticks([])
        ax.set_title(title)
        if synthetic:
            synthetic_note(ax, lang)
        return ax

    def name(p):
        if p in _TXT:
            return _t(p, lang)
        return f"{_t('field', lang)} {p}"

    names = [name(p) for p in parts["part"]] + [_t("total", lang)]
    vals = parts["value"].to_numpy(float)
    starts = np.concatenate([[0.0], np.cumsum(vals)[:-1]])
    colors = ["#2e8b57" if v >= 0 else "#c0392b" for v in vals]
    x = np.arange(len(vals))
    ax.bar(x, vals, bottom=starts, color=colors, width=0.6, zorder=2)
    tot = float(total.iloc[0])
    ax.bar(len(vals), tot, color="#34495e", width=0.6, zorder=2)
    for i in range(len(vals) - 1):
        ax.plot([i + 0.3, i + 0.7], [starts[i] + vals[i]] * 2, color="#7f7f7f", lw=0.8)
    if len(vals):
        ax.plot([len(vals) - 0.7, len(vals) - 0.3], [starts[-1] + vals[-1]] * 2, color="#7f7f7f", lw=0.8)
    dec = 1 if group == "rank" else 2
    for i, (s, v) in enumerate(zip(list(starts) + [0.0], list(vals) + [tot])):
        txt = f"{v:+.{dec}f}".replace("-", "−")
        if lang == "vi":
            txt = txt.replace(".", ",")
        ax.annotate(txt, (i, s + v), xytext=(0, 3 if v >= 0 else -3), textcoords="offset points",
                    ha="center", va="bottom" if v >= 0 else "top", fontsize=8)
    ax.axhline(0, color="#333333", lw=0.8)
    ax.margins(y=0.15)
    ax.set_xticks(np.arange(len(names)))
    ax.set_xticklabels(names, rotation=0 if len(names) <= 5 else 30, ha="center" if len(names) <= 5 else "right")
    ax.set_ylabel(ylab)
    r = data.iloc[0]
    sub = f"{r['unit_name']}, {int(r['year_from'])} → {int(r['year_to'])}" if "unit_name" in data.columns else ""
    ax.set_title(f"{title}\n{sub}" if sub else title)
    if synthetic:
        synthetic_note(ax, lang)
    return ax


def plot_attribution_waterfalls(data: pd.DataFrame, *, lang: str = "vi", synthetic: bool = False) -> dict:
    """One waterfall per attribution group the data can give (rank, component, field).

    Groups whose parts are not computable (e.g. components of a year whose table has
    none, or the own/others split when a year's table is incomplete) are left out instead of drawn as empty panels; the attribution table and
    :func:`cchc_analysis.trends.attribution_report` say why.

    Returns
    -------
    dict
        ``{"attribution_rank" | "attribution_component" | "attribution_field": Axes}``,
        each on its own figure, in that order.

    Examples
    --------
    >>> from cchc_analysis.trends import rank_change_attribution
    >>> pub = pd.DataFrame({"year": [2022] * 3 + [2023] * 3, "unit_id": list("abcabc"),
    ...                     "index": [90.0, 80.0, 70.0, 75.0, 85.0, 72.0]})
    >>> att = rank_change_attribution(pub, unit="a", year_from=2022, year_to=2023)
    >>> list(plot_attribution_waterfalls(att))
    ['attribution_rank']
    """
    check_lang(lang)
    _need(data, ["group", "part", "computable"], "plot_attribution_waterfalls")
    out = {}
    for group in ("rank", "component", "field"):
        rows = data[(data["group"] == group) & (data["part"] != "total")]
        if rows["computable"].astype(bool).any():
            out[f"attribution_{group}"] = plot_attribution_waterfall(
                data, group=group, lang=lang, synthetic=synthetic)
    return out
