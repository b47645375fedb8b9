"""The plain-language verdict of the few-task audit (Vietnamese and English)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..labels import check_lang
from ..text import fmt_number, fmt_pvalue, fmt_signed

__all__ = ["bias_verdict", "bias_mechanism", "MECHANISMS"]

#: what :func:`bias_mechanism` can answer
MECHANISMS = ("composition", "ability", "association", "variance", "none", "untestable")


def _rej(r, test):
    return bool(test in r.index and r.loc[test, "reject"])


def bias_mechanism(results: pd.DataFrame) -> str:
    """The mechanism behind the few-task pattern, from :func:`few_task_bias`'s rows.

    - ``"composition"``: the composition row rejects: the index is unfair (few-task
      units gain, or lose, from their criteria mix beyond their ability);
    - ``"ability"``: the index is associated with size (primary row) but the
      composition row does not reject while the ability row does: genuine differences;
    - ``"association"``: associated, mechanism not resolved (neither row rejects);
    - ``"variance"``: no association, but few-task units are more spread out (dispersion
      row, or both ends crowded): a matter of rank uncertainty;
    - ``"none"``; ``"untestable"`` (no p-value).

    Examples
    --------
    >>> t = pd.DataFrame({"test": ["association", "ability", "composition"], "reject": [True, True, False],
    ...                   "p_val": [0.01, 0.01, 0.5], "effect_size": [-3.0, -3.0, 0.1]})
    >>> bias_mechanism(t)
    'ability'
    """
    r = results.set_index("test")
    if not np.isfinite(float(r.loc["association", "p_val"])):
        return "untestable"
    if _rej(r, "composition"):
        return "composition"
    if _rej(r, "association"):
        return "ability" if _rej(r, "ability") else "association"
    disp = _rej(r, "dispersion") and float(r.loc["dispersion", "effect_size"]) > 1
    if disp or (_rej(r, "top_concentration") and _rej(r, "bottom_concentration")):
        return "variance"
    return "none"


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
    ...                              "ability", "composition", "dispersion"],
    ...                     "reject": [False] * 6, "effect_size": [0.5, 1.0, 1.0, 0.3, 0.2, 1.0],
    ...                     "p_val": [0.7, 0.5, 0.5, 0.8, 0.9, 0.6], "year": 2023, "n": 30})
    >>> print(bias_verdict(res, lang="en"))  # doctest: +ELLIPSIS
    **Verdict (2023, 30 units).** No evidence that units with few applicable tasks score differently...
    """
    check_lang(lang)
    vi = lang == "vi"
    r = results.set_index("test")
    year = int(results["year"].iloc[0])
    n = int(results["n"].iloc[0])
    prim = r.loc["association"]
    slope, p = float(prim["effect_size"]), float(prim["p_val"])
    stat = (f"{fmt_signed(slope, lang, 1)} điểm % khi điểm tối đa tăng gấp đôi, {fmt_pvalue(p, lang)}" if vi else
            f"{fmt_signed(slope, lang, 1)} index points per doubling of the maximum, {fmt_pvalue(p, lang)}")
    head = (f"**Kết luận (năm {year}, {n} đơn vị).** " if vi else f"**Verdict ({year}, {n} units).** ")
    if synthetic:
        head += ("_Dữ liệu giả lập, chỉ để minh họa._ " if vi
                 else "_Synthetic data, for illustration only._ ")
    mech = bias_mechanism(results)
    if mech == "untestable":
        return head + ("Không kiểm định được: các đơn vị có cùng quy mô nhiệm vụ hoặc quá ít đơn vị." if vi else
                       "Cannot be tested: the units have the same task size, or there are too few units.")
    parts = []
    if not prim["reject"]:
        parts.append(f"Không có bằng chứng cho thấy đơn vị ít nhiệm vụ phát sinh được điểm khác biệt ({stat})."
                     if vi else f"No evidence that units with few applicable tasks score differently ({stat}).")
    elif slope < 0:
        parts.append(f"Có liên hệ: đơn vị ít nhiệm vụ phát sinh đạt chỉ số cao hơn ({stat}). Liên hệ chưa phải là "
                     "thiên lệch: cần xem do cơ cấu tiêu chí hay do năng lực thật." if vi else
                     f"There is an association: units with few applicable tasks score higher ({stat}). "
                     "Association is not unfairness: it matters whether it comes from the criteria mix or from "
                     "genuine ability.")
    else:
        parts.append(f"Ngược lại: đơn vị nhiều nhiệm vụ đạt chỉ số cao hơn ({stat})." if vi else
                     f"The reverse: busy units score higher ({stat}).")
    comp = r.loc["composition"] if "composition" in r.index else None
    abil = r.loc["ability"] if "ability" in r.index else None
    if comp is not None and abil is not None and np.isfinite(float(comp["p_val"])):
        c_txt = f"{fmt_signed(float(comp['effect_size']), lang, 1)} ({fmt_pvalue(float(comp['p_val']), lang)})"
        a_txt = f"{fmt_signed(float(abil['effect_size']), lang, 1)} ({fmt_pvalue(float(abil['p_val']), lang)})"
        parts.append(f"Mô hình đơn vị × tiêu chí tách hai phần (điểm % khi điểm tối đa gấp đôi): do cơ cấu tiêu chí "
                     f"{c_txt}, do năng lực {a_txt}." if vi else
                     f"The unit × criterion model splits it (index points per doubling): criteria mix {c_txt}, "
                     f"ability {a_txt}.")
    if decomposition is not None and len(decomposition):
        d = decomposition.set_index("part")
        gap = float(d.loc["index", "difference"])
        if np.isfinite(gap):
            cpt = float(d.loc["composition", "difference"])
            rem = float(d.loc["remainder", "difference"])
            parts.append(
                f"Chênh lệch trung bình giữa nhóm ít và nhóm nhiều nhiệm vụ là {fmt_number(gap, lang, 1)} điểm %: "
                f"{fmt_number(cpt, lang, 1)} điểm do cơ cấu tiêu chí và {fmt_number(rem, lang, 1)} điểm do năng lực "
                "(so trên cùng tiêu chí)." if vi else
                f"The mean gap between few-task and busy units is {fmt_number(gap, lang, 1)} index points: "
                f"{fmt_number(cpt, lang, 1)} from the criteria mix and {fmt_number(rem, lang, 1)} from ability "
                "(compared on the same criteria).")
    if mech == "composition":
        if comp is not None and float(comp["effect_size"]) < 0:
            parts.append("Thiên lệch: chỉ số gốc ưu ái đơn vị ít nhiệm vụ vì tiêu chí của họ dễ hơn. Khuyến nghị: công bố "
                         "kèm chỉ số điều chỉnh theo mô hình (hoặc xếp hạng theo nhóm điểm tối đa) bên cạnh chỉ số gốc. "
                         "Chỉ số điều chỉnh giữ khác biệt năng lực thật; chia nhóm thì xóa cả khác biệt thật giữa các nhóm."
                         if vi else
                         "Unfair: the raw index favours few-task units because their criteria are easier. Advice: "
                         "publish the model-adjusted index (or rank within maximum bands) next to the raw index. "
                         "The adjusted index keeps genuine differences in ability; bands also remove the real "
                         "differences between groups.")
        else:
            parts.append("Thiên lệch: chỉ số gốc ưu ái đơn vị nhiều nhiệm vụ vì tiêu chí của họ dễ hơn. Khuyến nghị: "
                         "công bố kèm chỉ số điều chỉnh theo mô hình." if vi else
                         "Unfair: the raw index favours busy units because their criteria are easier. Advice: "
                         "publish the model-adjusted index next to the raw index.")
    elif mech == "ability":
        parts.append("Khác biệt là năng lực thật, không do cơ cấu tiêu chí: giữ bảng xếp hạng chung. Chia nhóm theo "
                     "quy mô sẽ xóa đi khác biệt thật này." if vi else
                     "The difference is genuine ability, not the criteria mix: keep the single league. Grouping by "
                     "size would remove these real differences.")
    elif mech == "association":
        parts.append("Chưa tách được nguyên nhân (cơ cấu tiêu chí hay năng lực): giữ bảng chung, công bố kèm chỉ số "
                     "điều chỉnh để tham khảo." if vi else
                     "The cause (criteria mix or ability) cannot be told apart: keep the single league and show the "
                     "model-adjusted index for reference.")
    elif mech == "variance":
        parts.append("Đơn vị ít nhiệm vụ phân tán hơn (ở cả đầu và cuối bảng): đó là độ bất định của thứ hạng do quy mô "
                     "nhỏ (Wainer), không phải thiên lệch. Khuyến nghị: công bố khoảng thứ hạng." if vi else
                     "Few-task units are more spread out (at both ends): that is rank uncertainty from small numbers "
                     "(Wainer), not unfairness. Advice: publish rank intervals.")
    return head + " ".join(parts)
