"""Plots of the KPS analyses."""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..labels import check_lang
from ..style import get_ax
from .words import SHORT

__all__ = ["plot_policy_ranks"]


def plot_policy_ranks(data: pd.DataFrame, *, top: int = 20, lang: str = "vi", synthetic: bool = False, ax=None):
    """Heat table of ranks under each policy: one row per unit (the ``top`` units whose
    rank moves most, in official order), one column per policy; the cell shows the rank
    and its colour the change against the official rank (green: better placed).

    ``data`` is the output of :func:`cchc_analysis.kps.ranking_policies`.
    """
    check_lang(lang)
    need = {"unit_id", "unit_name", "policy", "rank", "official_rank"}
    if not need <= set(data.columns):
        raise ValueError(f"`data` lacks {sorted(need - set(data.columns))}; pass ranking_policies(...).")
    pol = list(dict.fromkeys(data["policy"]))
    wide = data.pivot(index="unit_id", columns="policy", values="rank")[pol].astype(float)
    off = data.drop_duplicates("unit_id").set_index("unit_id")
    change = wide.rsub(off.loc[wide.index, "official_rank"].astype(float), axis=0)
    move = change.abs().max(axis=1)
    keep = move.sort_values(ascending=False, kind="stable").index[:top]
    keep = off.loc[keep].sort_values("official_rank", kind="stable").index
    w, c = wide.loc[keep], change.loc[keep]
    n = len(keep)
    ax = get_ax(ax, figsize=(1.25 * len(pol) + 3.2, 0.34 * n + 1.6))
    lim = max(1.0, float(np.nanmax(np.abs(c.to_numpy()))) if n else 1.0)
    ax.imshow(c.to_numpy(), cmap="RdYlGn", vmin=-lim, vmax=lim, aspect="auto")
    for i in range(n):
        for j in range(len(pol)):
            v = w.iat[i, j]
            ax.text(j, i, "—" if np.isnan(v) else f"{int(v)}", ha="center", va="center", fontsize=8.5)
    ax.set_xticks(range(len(pol)), [SHORT.get(p, {}).get(lang, p) for p in pol], rotation=30, ha="right")
    ax.set_yticks(range(n), off.loc[keep, "unit_name"].tolist(), fontsize=8.5)
    ax.grid(False)
    title = ("Hạng theo từng cách tính KPS (màu xanh: hạng tốt hơn chính thức)" if lang == "vi"
             else "Rank under each KPS policy (green: better than official)")
    ax.set_title(title, fontsize=11)
    ax.figure.tight_layout()
    if synthetic:  # under the axes, off the data
        ax.figure.text(0.99, 0.005, "Dữ liệu giả lập (mô phỏng)" if lang == "vi" else "Synthetic (simulated) data",
                       ha="right", va="bottom", fontsize=8, color="#c00000")
    return ax
