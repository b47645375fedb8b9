"""One look for every plot: a theme with a font that has Vietnamese diacritics, and notes.

Call :func:`set_theme` once (notebooks do it in their imports cell). DejaVu Sans, which
ships with matplotlib, covers every Vietnamese letter (ắ, ặ, ữ, ỹ, đ …).
"""

from __future__ import annotations

import matplotlib as mpl
import matplotlib.pyplot as plt

from .labels import check_lang

__all__ = ["set_theme", "synthetic_note", "source_note", "get_ax"]


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
