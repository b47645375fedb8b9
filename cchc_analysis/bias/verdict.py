"""The plain-language verdict of the few-task audit (Vietnamese and English)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..labels import check_lang
from ..text import fmt_number, fmt_percent, fmt_pvalue

__all__ = ["bias_verdict"]


def bias_verdict(results: pd.DataFrame, *, lang: str = "vi", decomposition: pd.DataFrame | None = None,
                 synthetic: bool = False) -> str:
    """A plain-language verdict from :func:`few_task_bias` (and the decomposition).

    Parameters
    ----------
    results : output of :func:`few_task_bias`.
    lang : ``"vi"`` or ``"en"``.
    decomposition : optional output of :func:`bias_decomposition` (adds how much of
        the gap is composition).
    synthetic : say that the data are synthetic.

    Returns
    -------
    str
        A few sentences (Markdown): the answer, the mechanism, the Wainer check and
        the advice.

    Examples
    --------
    >>> res = pd.DataFrame({"test": ["association", "top_concentration", "bottom_concentration",
    ...                              "association_adjusted", "dispersion"],
    ...                     "reject": [False] * 5, "effect_size": [0.05, 1.0, 1.0, 0.0, 1.0],
    ...                     "p_val": [0.7, 0.5, 0.5, 0.9, 0.6], "year": 2023, "n": 30})
    >>> print(bias_verdict(res, lang="en"))  # doctest: +ELLIPSIS
    **Verdict (2023, 30 units).** No evidence that units with few applicable tasks score differently...
    """
    check_lang(lang)
    vi = lang == "vi"
    r = results.set_index("test")
    year = int(results["year"].iloc[0])
    n = int(results["n"].iloc[0])
    prim = r.loc["association"]
    rho, p = float(prim["effect_size"]), float(prim["p_val"])
    stat = f"ρ = {fmt_number(rho, lang)}, {fmt_pvalue(p, lang)}"
    parts = []
    head = (f"**Kết luận (năm {year}, {n} đơn vị).** " if vi else f"**Verdict ({year}, {n} units).** ")
    if synthetic:
        head += ("_Dữ liệu tổng hợp (giả lập), chỉ để minh họa._ " if vi
                 else "_Synthetic data, for illustration only._ ")
    favoured = bool(prim["reject"]) and rho < 0
    if not np.isfinite(p):
        return head + ("Không kiểm định được: các đơn vị có cùng quy mô nhiệm vụ hoặc quá ít đơn vị." if vi else
                       "Cannot be tested: the units have the same task size, or there are too few units.")
    if not prim["reject"]:
        parts.append("Không có bằng chứng cho thấy đơn vị ít nhiệm vụ phát sinh được điểm khác biệt "
                     f"({stat})." if vi else
                     f"No evidence that units with few applicable tasks score differently ({stat}).")
    elif favoured:
        parts.append(f"Có: đơn vị ít nhiệm vụ phát sinh đạt chỉ số cao hơn đơn vị nhiều nhiệm vụ ({stat})."
                     if vi else
                     f"Yes: units with few applicable tasks score higher than busy units ({stat}).")
    else:
        parts.append(f"Ngược lại: đơn vị nhiều nhiệm vụ đạt chỉ số cao hơn ({stat})." if vi else
                     f"The reverse: busy units score higher ({stat}).")
    gap = np.nan
    if decomposition is not None and len(decomposition):
        gap = float(decomposition.set_index("part").loc["index", "difference"])
    if np.isfinite(gap):
        d = decomposition.set_index("part")
        comp = float(d.loc["composition", "difference"])
        rem = float(d.loc["remainder", "difference"])
        share = comp / gap if gap != 0 else np.nan
        pct = fmt_percent(share, lang, 0)
        parts.append(
            f"Chênh lệch trung bình giữa nhóm ít và nhóm nhiều nhiệm vụ là {fmt_number(gap, lang, 1)} điểm %: "
            f"{fmt_number(comp, lang, 1)} điểm ({pct}) do cơ cấu tiêu chí (tiêu chí của đơn vị ít nhiệm vụ dễ đạt "
            f"hơn ở mức trung bình) và {fmt_number(rem, lang, 1)} điểm còn lại khi so trên cùng tiêu chí." if vi else
            f"The mean gap between few-task and busy units is {fmt_number(gap, lang, 1)} index points: "
            f"{fmt_number(comp, lang, 1)} ({pct}) from the criteria mix (the criteria of few-task units are "
            f"easier on average) and {fmt_number(rem, lang, 1)} left when compared on the same criteria.")
    if "association_adjusted" in r.index and prim["reject"]:
        adj = r.loc["association_adjusted"]
        rho_a, p_a = float(adj["effect_size"]), float(adj["p_val"])
        if not adj["reject"]:
            parts.append(f"Sau khi chuẩn hóa theo cơ cấu tiêu chí, mối liên hệ yếu đi (ρ từ {fmt_number(rho, lang)} còn "
                         f"{fmt_number(rho_a, lang)}) và không còn rõ ({fmt_pvalue(p_a, lang)})." if vi else
                         f"After standardising for the criteria mix the association weakens (ρ from "
                         f"{fmt_number(rho, lang)} to {fmt_number(rho_a, lang)}) and is no longer clear ({fmt_pvalue(p_a, lang)}).")
        else:
            parts.append(f"Mối liên hệ vẫn còn rõ sau khi chuẩn hóa theo cơ cấu tiêu chí (ρ = {fmt_number(rho_a, lang)}, "
                         f"{fmt_pvalue(p_a, lang)}): cơ cấu tiêu chí không giải thích hết." if vi else
                         f"The association remains clear after standardising for the criteria mix "
                         f"(ρ = {fmt_number(rho_a, lang)}, {fmt_pvalue(p_a, lang)}): the criteria mix does not explain it all.")
    top = bool(r.loc["top_concentration", "reject"]) if "top_concentration" in r.index else False
    bot = bool(r.loc["bottom_concentration", "reject"]) if "bottom_concentration" in r.index else False
    if top and bot:
        parts.append("Đơn vị ít nhiệm vụ tập trung ở cả đầu và cuối bảng xếp hạng: dấu hiệu của biến động "
                     "do quy mô nhỏ (Wainer), không phải chất lượng." if vi else
                     "Few-task units crowd both the top and the bottom of the ranking: the mark of "
                     "small-number variability (Wainer), not quality.")
    elif top:
        parts.append("Đơn vị ít nhiệm vụ tập trung ở đầu bảng (không ở cuối bảng): lợi thế thật, "
                     "không phải do ngẫu nhiên." if vi else
                     "Few-task units crowd the top of the ranking but not the bottom: a real "
                     "advantage, not chance.")
    elif bot:
        parts.append("Đơn vị ít nhiệm vụ tập trung ở cuối bảng xếp hạng." if vi else
                     "Few-task units crowd the bottom of the ranking.")
    else:
        parts.append("Đơn vị ít nhiệm vụ không tập trung bất thường ở đầu hay cuối bảng xếp hạng." if vi
                     else "Few-task units are not unusually concentrated at the top or the bottom.")
    if "dispersion" in r.index and r.loc["dispersion", "reject"] and r.loc["dispersion", "effect_size"] > 1:
        parts.append("Chỉ số của đơn vị ít nhiệm vụ phân tán hơn: thứ hạng của chúng kém tin cậy." if vi else
                     "The indices of few-task units are more spread out: their ranks are less reliable.")
    if favoured:
        parts.append("Khuyến nghị: công bố kèm chỉ số đã chuẩn hóa theo cơ cấu tiêu chí (hoặc xếp hạng theo "
                     "nhóm đơn vị tương đồng) bên cạnh chỉ số gốc." if vi else
                     "Advice: publish the standardised index (or rank within peer groups) next to the raw "
                     "index.")
    return head + " ".join(parts)
