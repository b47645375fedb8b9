"""The picture of self-assessment against appraisal: each unit's share of claimed points cut."""

from __future__ import annotations

import numpy as np

from ..labels import check_lang
from ..text import fmt_percent
from .gap import SelfAssessmentGap

__all__ = ["plot_self_assessment"]


def _short(name: str, n: int = 40) -> str:
    name = str(name)
    return name if len(name) <= n else name[: n - 1] + "…"


def plot_self_assessment(gap: SelfAssessmentGap, *, lang: str = "vi", synthetic: bool = False, ax=None):
    """Horizontal bars: per unit, the share of its self-assessed points cut at appraisal;
    units that over-claim systematically in red; the pooled share as a dashed line."""
    import matplotlib.pyplot as plt

    from ..style import synthetic_note

    check_lang(lang)
    u = gap.by_unit.sort_values("cut_share", ascending=True, kind="stable")
    n = len(u)
    if ax is None:
        _, ax = plt.subplots(figsize=(8, max(2.5, min(0.32 * n + 1.5, 14))))
    y = np.arange(n)
    colors = np.where(u["over_claims"].to_numpy(dtype=bool), "#c0392b", "#7f8c8d")
    ax.barh(y, 100 * u["cut_share"].to_numpy(dtype=float), color=colors)
    ax.set_yticks(y)
    ax.set_yticklabels([_short(x) for x in u["unit_name"]], fontsize=8 if n > 25 else 9)
    pooled = 100 * gap.pooled_cut_share
    if np.isfinite(pooled):
        ax.axvline(pooled, color="#2c3e50", ls="--", lw=1)
        ax.text(pooled, n - 0.4, (" chung: " if lang == "vi" else " all units: ")
                + fmt_percent(gap.pooled_cut_share, lang, 1), fontsize=8, va="bottom", color="#2c3e50")
    if lang == "vi":
        ax.set_xlabel("Tỷ lệ điểm tự chấm bị trừ khi thẩm định (%)")
        ax.set_title("Tự chấm so với thẩm định (đỏ: tự chấm cao có hệ thống)")
    else:
        ax.set_xlabel("Share of self-assessed points cut at appraisal (%)")
        ax.set_title("Self-assessment against appraisal (red: over-claims systematically)")
    ax.set_ylim(-0.6, n - 0.4 + (0.6 if np.isfinite(pooled) else 0))
    ax.set_xlim(0, max(5.0, float(np.nanmax(100 * u["cut_share"].to_numpy(dtype=float), initial=0)) * 1.15))
    if synthetic:
        synthetic_note(ax, lang)
    ax.figure.tight_layout()
    return ax.figure
