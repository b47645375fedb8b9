"""Plots of the published PAR INDEX tables (draw on the Axes given; never save)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..labels import check_lang, label
from ..style import get_ax
from ..text import fmt_number

__all__ = ["plot_published_indices"]


def plot_published_indices(data: pd.DataFrame, *, year: int, lang: str = "vi", highlight: str | None = None,
                           mean: bool = True, ax=None):
    """Horizontal bar chart of one year's published indices, best at the top.

    Parameters
    ----------
    data : a published table (:func:`~cchc_analysis.published.load_published`); one level.
    year : the year to draw.
    lang : ``"vi"`` (default) or ``"en"`` for labels (unit names stay in Vietnamese).
    highlight : a ``unit_id`` drawn in a contrasting colour.
    mean : draw the mean of the drawn (ranked) units as a dashed line.
    ax : Axes to draw on (a new one if ``None``).

    Returns
    -------
    matplotlib Axes.

    Examples
    --------
    >>> from cchc_analysis.published import load_published
    >>> ax = plot_published_indices(load_published("ministry"), year=2023)
    >>> len(ax.patches)
    17
    >>> ax = plot_published_indices(load_published("ministry"), year=2030)  # no data: a message, no error
    >>> len(ax.patches)
    0
    """
    check_lang(lang)
    need = {"year", "unit_id", "unit_name", "index"}
    if not isinstance(data, pd.DataFrame) or need - set(data.columns):
        raise ValueError(f"`data` must be a published table with at least the columns {sorted(need)}.")
    d = data[(data["year"] == int(year)) & data["index"].notna()]
    if "ranked" in d.columns:
        d = d[d["ranked"].astype(bool)]
    if d.empty:  # a report year without published indices: say so on the plot, do not fail
        ax = get_ax(ax)
        years = sorted(data.loc[data["index"].notna(), "year"].unique().tolist())
        msg = (f"Không có chỉ số công bố cho năm {year}.\nCác năm có dữ liệu: {years}" if lang == "vi"
               else f"No published index for {year}.\nYears with data: {years}")
        ax.text(0.5, 0.5, msg, ha="center", va="center", transform=ax.transAxes, fontsize=10)
        ax.set_axis_off()
        return ax
    d = d.sort_values("index", ascending=True)
    n = len(d)
    ax = get_ax(ax, figsize=(8, max(3.0, 0.32 * n + 1.2)))
    colors = np.where(d["unit_id"].to_numpy() == highlight, "#c0392b", "#4c72b0")
    ax.barh(np.arange(n), d["index"].to_numpy(), color=colors)
    ax.set_yticks(np.arange(n))
    ax.set_yticklabels(d["unit_name"].tolist(), fontsize=8 if n > 25 else 9)
    lo = max(0.0, float(np.floor(d["index"].min() / 5.0) * 5 - 5))
    ax.set_xlim(lo, 100)
    for i, v in enumerate(d["index"].to_numpy()):
        ax.text(v + 0.2, i, fmt_number(v, lang), va="center", fontsize=7)
    if mean:
        m = float(d["index"].mean())
        ax.axvline(m, color="#555555", linestyle="--", linewidth=1)
        ax.text(m, n - 0.4, (" Trung bình " if lang == "vi" else " Mean ") + fmt_number(m, lang), fontsize=8, color="#555555")
    level = d["level"].iloc[0] if "level" in d.columns else ""
    title = {"vi": f"Chỉ số CCHC năm {year}", "en": f"PAR INDEX {year}"}[lang]
    if level:
        title += f" — {label(level, lang)}"
    ax.set_title(title)
    ax.set_xlabel(label("index", lang))
    ax.set_ylabel("")
    urls = sorted(d["source_url"].dropna().unique()) if "source_url" in d.columns else []
    if urls:
        more = "" if len(urls) == 1 else (f" (+{len(urls) - 1} nguồn khác)" if lang == "vi" else f" (+{len(urls) - 1} more)")
        prefix = "Nguồn" if lang == "vi" else "Source"
        ax.annotate(f"{prefix}: {urls[0]}{more}", xy=(0, 0), xycoords="axes fraction", xytext=(0, -42),
                    textcoords="offset points", fontsize=7, color="#555555", ha="left", va="top")
    return ax
