"""One look for every plot: a theme with a font that has Vietnamese diacritics, and notes.

Call :func:`set_theme` once (notebooks do it in their imports cell). DejaVu Sans, which
ships with matplotlib, covers every Vietnamese letter (ắ, ặ, ữ, ỹ, đ …).
"""

from __future__ import annotations

import matplotlib as mpl
import matplotlib.pyplot as plt

from .labels import check_lang

__all__ = ["set_theme", "synthetic_note", "source_note", "get_ax", "place_labels", "legend_outside", "spread", "integer_rank_axis",
           "decimal_comma_ticks"]


def set_theme() -> None:
    """Seaborn's whitegrid theme with a diacritics-safe font and fixed SVG ids (stable files).

    Also sets how pandas *displays* numbers in notebooks (3 decimals); the data themselves
    are never rounded.
    """
    import pandas as pd
    import seaborn as sns

    pd.set_option("display.precision", 3)
    pd.set_option("display.max_colwidth", 60)

    sns.set_theme(style="whitegrid", context="notebook")
    mpl.rcParams["font.family"] = "sans-serif"
    mpl.rcParams["font.sans-serif"] = ["DejaVu Sans", "Arial", "Liberation Sans"]
    mpl.rcParams["svg.hashsalt"] = "cchc-analysis"
    mpl.rcParams["figure.dpi"] = 100
    mpl.rcParams["axes.titleweight"] = "bold"


def get_ax(ax=None, *, figsize=(8, 5)):
    """The given Axes, or a new one on a new figure."""
    if ax is None:
        _, ax = plt.subplots(figsize=figsize)
    return ax


def synthetic_note(ax, lang: str = "vi"):
    """Stamp an Axes as drawn from SYNTHETIC data (bottom-right, red), and return it."""
    check_lang(lang)
    text = "Dữ liệu giả lập (mô phỏng)" if lang == "vi" else "Synthetic data"
    ax.text(0.995, 0.005, text, transform=ax.transAxes, ha="right", va="bottom",
            fontsize=8, color="#c00000", alpha=0.9)
    return ax


def source_note(ax, source: str, lang: str = "vi"):
    """Add a small 'Nguồn: …' / 'Source: …' line under an Axes, and return it."""
    check_lang(lang)
    prefix = "Nguồn" if lang == "vi" else "Source"
    ax.annotate(f"{prefix}: {source}", xy=(0, 0), xycoords="axes fraction", xytext=(0, -30),
                textcoords="offset points", fontsize=7, color="#555555", ha="left", va="top")
    return ax


def place_labels(ax, xs, ys, texts, *, fontsize: int = 7, color: str = "#333333"):
    """Write ``texts`` beside the points ``(xs, ys)`` without overlaps (adjustText moves
    them apart and draws a thin leader line where a label had to move); returns the
    text artists. Deterministic: the same points give the same picture."""
    import numpy as np
    from adjustText import adjust_text

    xs, ys = np.asarray(xs, float), np.asarray(ys, float)
    arts = [ax.text(x, y, str(t), fontsize=fontsize, color=color, zorder=4) for x, y, t in zip(xs, ys, texts)]
    if arts:
        np.random.seed(0)  # adjustText jitters with numpy's global generator
        adjust_text(arts, x=xs, y=ys, ax=ax, expand=(1.2, 1.4),
                    arrowprops=dict(arrowstyle="-", color="#888888", lw=0.5))
    return arts


def legend_outside(ax, **kw):
    """A legend to the right of the axes, off the data."""
    kw.setdefault("fontsize", 8)
    return ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), borderaxespad=0.0, frameon=False, **kw)


def spread(values, min_gap: float):
    """Positions for labels at ``values`` (one axis) moved apart to at least ``min_gap``,
    keeping their order and staying as close as possible to the values (deterministic).

    >>> [float(round(v, 2)) for v in spread([1, 1, 1, 5], 1.0)]
    [0.0, 1.0, 2.0, 5.0]
    """
    import numpy as np

    v = np.asarray(values, float)
    order = np.argsort(v, kind="stable")
    y = v[order].copy()
    for _ in range(len(y)):  # push down, then centre each cluster on its values
        for i in range(1, len(y)):
            if y[i] - y[i - 1] < min_gap:
                y[i] = y[i - 1] + min_gap
        # re-centre clusters
        i = 0
        moved = False
        while i < len(y):
            j = i
            while j + 1 < len(y) and y[j + 1] - y[j] <= min_gap + 1e-9:
                j += 1
            shift = float(np.mean(v[order][i:j + 1]) - np.mean(y[i:j + 1]))
            if i > 0 and y[i] + shift - y[i - 1] < min_gap:
                shift = y[i - 1] + min_gap - y[i]
            if abs(shift) > 1e-9:
                y[i:j + 1] += shift
                moved = True
            i = j + 1
        if not moved:
            break
    out = np.empty_like(y)
    out[order] = y
    return out


def integer_rank_axis(ax, max_rank: float, *, axis: str = "y") -> None:
    """Integer rank ticks that include rank 1, best at the top (or left)."""
    import numpy as np

    m = int(max(1, np.ceil(float(max_rank))))
    step = 1 if m <= 12 else (2 if m <= 30 else 5 if m <= 80 else 10)
    ticks = [1] + list(range(step if step > 1 else 2, m + 1, step))
    ticks = sorted(set(t for t in ticks if t <= m) | {1})
    if axis == "y":
        ax.set_yticks(ticks)
        ax.set_ylim(m + 0.7, 0.3)
    else:
        ax.set_xticks(ticks)
        ax.set_xlim(0.3, m + 0.7)


def _comma_ticks_class():
    from matplotlib.ticker import Formatter

    class CommaTicks(Formatter):
        """Wraps a tick formatter: the same labels with a decimal comma (Vietnamese)."""

        def __init__(self, inner):
            self.inner = inner

        def set_axis(self, axis):
            super().set_axis(axis)
            self.inner.set_axis(axis)

        def set_locs(self, locs):
            super().set_locs(locs)
            self.inner.set_locs(locs)

        @staticmethod
        def _vi(text):
            return text.replace(".", ",") if isinstance(text, str) else text

        def __call__(self, x, pos=None):
            return self._vi(self.inner(x, pos))

        def format_ticks(self, values):
            return [self._vi(t) for t in self.inner.format_ticks(values)]

        def format_data_short(self, value):
            return self._vi(self.inner.format_data_short(value))

        def get_offset(self):
            return self._vi(self.inner.get_offset())

    return CommaTicks


def _is_fixed_labels(fmt) -> bool:
    """True for the formatter ``set_xticklabels`` / ``set_yticklabels`` install: matplotlib
    ≥ 3.9 makes a ``FuncFormatter`` over a ``{location: text}`` dict, not a ``FixedFormatter``."""
    import functools

    func = getattr(fmt, "func", None)
    return isinstance(func, functools.partial) and getattr(func.func, "__name__", "") == "_format_with_dict"


def decimal_comma_ticks(fig) -> None:
    """Tick labels of every numeric axis of ``fig`` with a decimal comma (Vietnamese pages:
    "0,2", "87,5"). Category and date axes, and labels without a decimal point, are left as
    they are; applying it twice changes nothing.

    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> import matplotlib.pyplot as plt
    >>> fig, ax = plt.subplots(); _ = ax.plot([0, 0.5, 1], [1, 2, 3])
    >>> decimal_comma_ticks(fig); fig.canvas.draw()
    >>> [t.get_text() for t in ax.get_xticklabels()][:3]
    ['−0,2', '0,0', '0,2']
    >>> _ = ax.set_yticks([1, 2]); _ = ax.set_yticklabels(["7.1.2", "5.2"])  # criterion ids stay ids
    >>> decimal_comma_ticks(fig); fig.canvas.draw()
    >>> [t.get_text() for t in ax.get_yticklabels()]
    ['7.1.2', '5.2']
    >>> plt.close(fig)
    """
    from matplotlib.ticker import FixedFormatter, NullFormatter, StrMethodFormatter, ScalarFormatter, \
        FormatStrFormatter, FuncFormatter, PercentFormatter

    comma = _comma_ticks_class()
    numeric = (ScalarFormatter, StrMethodFormatter, FormatStrFormatter, FuncFormatter, PercentFormatter)
    fig = getattr(fig, "figure", fig)
    for ax in fig.get_axes():
        for axis in (ax.xaxis, ax.yaxis):
            for which in ("major", "minor"):
                fmt = axis.get_major_formatter() if which == "major" else axis.get_minor_formatter()
                if type(fmt).__name__ == "CommaTicks" or isinstance(fmt, (NullFormatter, FixedFormatter)):
                    continue
                if not isinstance(fmt, numeric) or axis.get_converter() is not None:
                    continue  # categories, dates: not numbers
                if _is_fixed_labels(fmt):
                    continue  # labels given as text (criterion ids "7.1.2", names): never numbers
                (axis.set_major_formatter if which == "major" else axis.set_minor_formatter)(comma(fmt))
