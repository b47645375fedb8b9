"""Notebook 03 in words: the findings (2-5 plain sentences) and the page's fixed texts.
The comparison and the recommendation come from :mod:`cchc_analysis.peers.compare`."""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..labels import check_lang, fill_texts, register, register_values
from ..scoring import maxima_barely_differ
from ..text import fmt_int, fmt_number, fmt_percent
from .schemes import scheme_label

__all__ = ["texts", "MIN_UNITS", "too_few_units", "register_scheme_words", "findings", "comparison_for_people"]

#: Fewest units for comparing schemes (bands of fewer units say nothing).
MIN_UNITS = 6

register({
    "peer_group": {"vi": "Nhóm so sánh", "en": "Peer group"},
    "n_in_group": {"vi": "Số đơn vị trong nhóm", "en": "Units in group"},
    "scheme": {"vi": "Phương án", "en": "Scheme"},
    "n_groups": {"vi": "Số nhóm", "en": "Groups"},
    "recommended": {"vi": "Đề xuất", "en": "Recommended"},
    "reason_text": {"vi": "Lý do", "en": "Reason"},
})

_TEXTS = {
    "title": {"vi": "Xếp hạng theo nhóm tương đồng", "en": "Peer-group ranking schemes"},
    "intro": {"vi": "Các phương án xếp hạng được so sánh về độ công bằng (tương quan giữa vị trí trong nhóm và điểm "
                    "tối đa phát sinh; 0 = công bằng, dương = đơn vị ít nhiệm vụ được lợi), độ công bằng sau mô hình "
                    "năng lực (cùng tương quan, với vị trí trừ đi vị trí theo năng lực của mô hình đơn vị × tiêu chí: "
                    "chỉ phần lợi không do năng lực), độ ổn định (Monte Carlo), mức khác biệt so với bảng chung và cỡ "
                    "nhóm. Chỉ chia nhóm khi bảng chung thiên lệch rõ sau mô hình và một phương án công bằng hơn rõ "
                    "rệt; độ ổn định chỉ dùng khi ngang nhau.",
              "en": "The schemes are compared on fairness (correlation of the within-group position with the "
                    "applicable maximum; 0 = fair, positive = few-task units gain), fairness after the ability model "
                    "(the same correlation for the position minus the position by ability from the unit × criterion "
                    "model: only the gain that is not ability), stability (Monte Carlo), distance to the single league "
                    "and group sizes. Units are regrouped only when the single league is clearly biased after the "
                    "model and a scheme is clearly fairer; stability only breaks ties."},
    "h_compare": {"vi": "So sánh các phương án", "en": "Schemes compared"},
    "h_groups": {"vi": "Nhóm của phương án đề xuất", "en": "Groups of the recommended scheme"},
    "cap_compare": {"vi": "Các phương án xếp hạng: công bằng, ổn định, cỡ nhóm, lý do đề xuất hay không",
                    "en": "Ranking schemes: fairness, stability, group sizes, why recommended or not"},
    "cap_panels": {"vi": "Từng chỉ tiêu so sánh của các phương án (mỗi ô một chỉ tiêu, chiều đọc ghi dưới tên); "
                         "màu đỏ: phương án đề xuất",
                   "en": "Each comparison metric of the schemes (one panel each, how to read it under its name); "
                         "red: the recommended scheme"},
    "cap_ranked": {"vi": "Hạng của từng đơn vị trong nhóm theo phương án đề xuất",
                   "en": "Each unit's rank within its group under the recommended scheme"},
    "cap_groups": {"vi": "Đơn vị theo điểm tối đa phát sinh và chỉ số, tô màu theo nhóm của phương án đề xuất",
                   "en": "Units by applicable maximum and index, coloured by group of the recommended scheme"},
    "cap_ranks": {"vi": "Hạng của từng đơn vị theo từng phương án", "en": "Each unit's rank under each scheme"},
    "h_fairness": {"vi": "Thiên lệch", "en": "Bias"},
    "h_fairness_model": {"vi": "Thiên lệch sau mô hình", "en": "Bias after the model"},
    "h_stability": {"vi": "Độ rộng khoảng hạng", "en": "Rank interval width"},
    "h_tau": {"vi": "Kendall τ", "en": "Kendall τ"},
    "h_min_group": {"vi": "Nhóm nhỏ nhất", "en": "Smallest group"},
    "too_few": {"vi": "Năm {year} chỉ có {n} đơn vị; cần ít nhất {k} đơn vị để so sánh các phương án nhóm.",
                "en": "{year} has {n} units only; comparing peer-group schemes needs at least {k}."},
}


def texts(lang: str = "vi", **kw) -> dict[str, str]:
    """The page's fixed texts in ``lang``."""
    return fill_texts(_TEXTS, lang, **kw)


def too_few_units(scores: pd.DataFrame, *, year: int, lang: str = "vi", minimum: int = MIN_UNITS) -> str | None:
    """Why the schemes cannot be compared (too few units in ``year``), or ``None``."""
    n = int(scores.loc[scores["year"] == int(year), "unit_id"].nunique())
    return None if n >= minimum else texts(lang, year=year, n=n, k=minimum)["too_few"]


def register_scheme_words(schemes) -> None:
    """Register the words of each scheme name (``scheme`` column values)."""
    register_values({s.name if hasattr(s, "name") else str(s):
                     {lg: scheme_label(s.name if hasattr(s, "name") else str(s), lg) for lg in ("vi", "en")}
                     for s in schemes}, column="scheme")


def comparison_for_people(comparison: pd.DataFrame, *, lang: str = "vi") -> pd.DataFrame:
    """The comparison with one ``reason_text`` column in ``lang`` (words registered for the schemes)."""
    out = comparison.copy()
    register_scheme_words(out["scheme"])
    reason = out[f"reason_{lang}"] if f"reason_{lang}" in out else out.get("reason")
    names = sorted(set(out["scheme"].astype(str)), key=len, reverse=True)  # longest first: no partial replace
    out["reason_text"] = [_words(str(r), names, lang) if pd.notna(r) else r for r in reason]
    return out


def _words(text: str, names, lang: str) -> str:
    for n in names:
        text = text.replace(n, scheme_label(n, lang))
    return text


def findings(comparison: pd.DataFrame, *, lang: str = "vi", synthetic: bool = False,
             maxima: tuple[float, float] | None = None) -> list[str]:
    """2-5 sentences: what is recommended and why, how unfair the single league is, the trade-offs.

    ``maxima``: the smallest and largest applicable maximum of the year
    (:func:`cchc_analysis.scoring.max_spread`). When they barely differ the page says so
    and keeps the recommendation, without the bias figures (measured against a maximum
    that hardly varies, they are zero by construction, "0,00 (KTC 0,00 đến 0,00)").
    """
    check_lang(lang)
    vi = lang == "vi"
    out: list[str] = []
    c = comparison
    year = int(c["year"].iloc[0]) if len(c) else None
    q = " (dữ liệu giả lập)" if (synthetic and vi) else (" (synthetic data)" if synthetic else "")
    rec = c[c["recommended"].astype(bool)] if "recommended" in c else c.iloc[:0]
    if maxima_barely_differ(maxima):
        lo, hi = maxima
        spread = f"{fmt_number(lo, lang, 2, strip=True)}–{fmt_number(hi, lang, 2, strip=True)}"
        pct = fmt_percent(hi / lo - 1, lang, 1)
        name = scheme_label(rec["scheme"].iloc[0], lang) if len(rec) else scheme_label("single_league", lang)
        out.append(f"Đề xuất năm {year}: {name}. Điểm tối đa phát sinh của các đơn vị gần như bằng nhau ({spread} điểm, "
                   f"chênh nhau {pct}): không có nhóm đơn vị ít nhiệm vụ nào để tách, nên chia nhóm theo quy mô nhiệm vụ "
                   f"không thay đổi gì đáng kể{q}." if vi else
                   f"Recommended for {year}: {name}. The units' applicable maxima barely differ ({spread} points, "
                   f"{pct} apart): there is no group of few-task units to set apart, so grouping by workload changes "
                   f"nothing of substance{q}.")
        return out
    single = c[c["scheme"] == "single_league"]
    model = "fairness_model" in c and np.isfinite(pd.to_numeric(c["fairness_model"], errors="coerce")).all()
    fcol = "fairness_model" if model else "fairness"

    def ci(row):
        if not model or not np.isfinite(row.get("fairness_model_lo", np.nan)):
            return ""
        lo, hi = fmt_number(row["fairness_model_lo"], lang), fmt_number(row["fairness_model_hi"], lang)
        return f" (KTC {lo} đến {hi})" if vi else f" (CI {lo} to {hi})"

    what_vi = "thiên lệch theo điểm tối đa sau mô hình năng lực" if model else "thiên lệch theo điểm tối đa"
    what_en = "bias by maximum after the ability model" if model else "bias by maximum"
    if len(rec):
        r = rec.iloc[0]
        s = (f"Đề xuất năm {year}: {scheme_label(r['scheme'], lang)}: {what_vi} "
             f"{fmt_number(r[fcol], lang)}{ci(r)}" if vi else
             f"Recommended for {year}: {scheme_label(r['scheme'], lang, )}: {what_en} "
             f"{fmt_number(r[fcol], lang)}{ci(r)}")
        if len(single) and r["scheme"] != "single_league":
            s += (f" (bảng chung {fmt_number(single[fcol].iloc[0], lang)})" if vi else
                  f" (single league {fmt_number(single[fcol].iloc[0], lang)})")
        s += (f", nhóm nhỏ nhất {fmt_int(r['min_group'], lang)} đơn vị" if vi else
              f", the smallest group {int(r['min_group'])} units")
        out.append(s + q + ".")
    else:
        out.append(("Không có phương án nào đạt các điều kiện để đề xuất" if vi else
                    "No scheme meets the conditions for a recommendation") + q + ".")
    if len(single) and model:
        r0 = single.iloc[0]
        f = float(r0["fairness_model"])
        lo, hi = float(r0.get("fairness_model_lo", np.nan)), float(r0.get("fairness_model_hi", np.nan))
        sig = np.isfinite(lo) and (lo > 0 or hi < 0)
        if "league_biased" in r0 and pd.notna(r0["league_biased"]):
            sig = bool(r0["league_biased"])
        if sig and f > 0:
            s = (f"Bảng chung (chính thức) xếp đơn vị ít nhiệm vụ cao hơn năng lực của họ (thiên lệch {fmt_number(f, lang)}"
                 f"{ci(r0)}; 0 = công bằng)" if vi else
                 f"The single (official) league ranks few-task units above their ability (bias {fmt_number(f, lang)}"
                 f"{ci(r0)}; 0 = fair)")
        elif sig:
            s = (f"Bảng chung (chính thức) xếp đơn vị nhiều nhiệm vụ cao hơn năng lực của họ (thiên lệch "
                 f"{fmt_number(f, lang)}{ci(r0)})" if vi else
                 f"The single (official) league ranks busy units above their ability (bias {fmt_number(f, lang)}{ci(r0)})")
        else:
            s = (f"Sau khi tách năng lực, bảng chung (chính thức) không thiên lệch rõ theo điểm tối đa "
                 f"({fmt_number(f, lang)}{ci(r0)}): khác biệt giữa đơn vị ít và nhiều nhiệm vụ là năng lực thật" if vi else
                 f"Once ability is taken out, the single (official) league shows no clear bias by maximum "
                 f"({fmt_number(f, lang)}{ci(r0)}): the gap between few-task and busy units is genuine ability")
        if sig and len(rec) and rec["scheme"].iloc[0] == "single_league":
            s += ("; không cách chia nhóm nào công bằng hơn rõ rệt, nên công bố kèm chỉ số điều chỉnh theo mô hình" if vi
                  else "; no grouping is clearly fairer, so publish the model-adjusted index next to it")
        out.append(s + ".")
    elif len(single):
        f = float(single["fairness"].iloc[0])
        share = single["top_k_few_task_share"].iloc[0] if "top_k_few_task_share" in single else None
        if f > 0.1:
            s = (f"Bảng chung (chính thức) thiên về đơn vị ít nhiệm vụ (thiên lệch {fmt_number(f, lang)}; 0 = công bằng)"
                 if vi else f"The single (official) league favours few-task units (bias {fmt_number(f, lang)}; 0 = fair)")
        else:
            s = (f"Bảng chung (chính thức) không thiên lệch rõ theo điểm tối đa ({fmt_number(f, lang)})" if vi else
                 f"The single (official) league shows no clear bias by maximum ({fmt_number(f, lang)})")
        if share is not None and pd.notna(share):
            s += (f"; đơn vị ít nhiệm vụ chiếm {fmt_number(100 * float(share), lang, 0)} % nhóm đầu" if vi else
                  f"; few-task units are {fmt_number(100 * float(share), lang, 0)} % of the top")
        out.append(s + ".")
    small = c[(c["min_group"] < 3) & (c["scheme"] != "single_league")] if "min_group" in c else c.iloc[:0]
    if len(small):
        r = small.iloc[0]
        out.append(f"{scheme_label(r['scheme'], lang)}: thiên lệch {fmt_number(r['fairness'], lang)} nhưng có nhóm chỉ "
                   f"{fmt_int(r['min_group'], lang)} đơn vị, nên không dùng được để xếp hạng." if vi else
                   f"{scheme_label(r['scheme'], lang)}: bias {fmt_number(r['fairness'], lang)} but a group of only "
                   f"{int(r['min_group'])} unit{'s' if int(r['min_group']) != 1 else ''}, too small to rank.")
    if len(rec) and "kendall_tau" in c and rec["scheme"].iloc[0] != "single_league":
        out.append(f"Phương án đề xuất giữ thứ tự gần với bảng chung: Kendall τ = {fmt_number(rec['kendall_tau'].iloc[0], lang)} "
                   f"(1 = giống hệt)." if vi else
                   f"The recommended scheme stays close to the single league's order: Kendall τ = "
                   f"{fmt_number(rec['kendall_tau'].iloc[0], lang)} (1 = identical).")
    return out[:5]
