"""Plain sentences for the KPS section."""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..labels import check_lang
from ..text import fmt_int, fmt_number
from .audit import KpsAudit
from .words import POLICY_WORDS

__all__ = ["kps_findings"]


def kps_findings(audit: KpsAudit, summary: pd.DataFrame, *, lang: str = "vi", synthetic: bool = False) -> list[str]:
    """2–5 sentences: the declarations to review, how much the ranking depends on the rule,
    and whether the few-task association survives other rules."""
    check_lang(lang)
    vi = lang == "vi"
    out = []
    f = audit.flags
    if len(f):
        top = f.groupby("unit_name")["points_at_stake"].sum().sort_values(ascending=False)
        names = ", ".join(f"{n} ({fmt_number(v, lang, 2)} điểm)" if vi else f"{n} ({fmt_number(v, lang, 2)} points)"
                          for n, v in top.head(3).items())
        out.append((f"{fmt_int(len(f), lang)} khai báo không phát sinh của {fmt_int(f['unit_id'].nunique(), lang)} đơn vị "
                    f"cần xem lại: tiêu chí đó phát sinh ở ít nhất {fmt_number(100 * audit.threshold, lang, 0)} % đơn vị cùng loại. "
                    f"Nhiều điểm liên quan nhất: {names}. Đây là dấu hiệu để hỏi lại, chưa phải kết luận sai.")
                   if vi else
                   (f"{fmt_int(len(f), lang)} declarations that a criterion does not arise (không phát sinh), by "
                    f"{fmt_int(f['unit_id'].nunique(), lang)} units, deserve a second look: the criterion arises for at least {fmt_number(100 * audit.threshold, lang, 0)} % of units of the same "
                    f"type. Most points at stake: {names}. A flag is a question to ask, not a finding of error."))
    else:
        out.append("Không có khai báo không phát sinh nào khác hẳn các đơn vị cùng loại." if vi
                   else "No declaration that a criterion does not arise (không phát sinh) stands out against units of the "
                        "same type.")
    s = summary.set_index("policy")
    alt = s.drop(index=[p for p in ("drop", "published_rounding") if p in s.index])
    if len(alt):
        worst = alt["max_move"].idxmax()
        tau = alt["tau_vs_official"].dropna()
        out.append((f"Thứ hạng phụ thuộc vào cách tính tiêu chí không phát sinh: theo cách \"{POLICY_WORDS[worst]['vi']}\" "
                    f"có đơn vị thay đổi {fmt_int(alt.at[worst, 'max_move'], lang)} bậc; τ Kendall so với bảng chính thức từ "
                    f"{fmt_number(tau.min(), lang, 2)} đến {fmt_number(tau.max(), lang, 2)}.")
                   if vi else
                   (f"The ranking depends on the rule for criteria that do not arise: under \"{POLICY_WORDS[worst]['en']}\" a unit "
                    f"moves {fmt_int(alt.at[worst, 'max_move'], lang)} places; Kendall τ with the official table ranges "
                    f"{fmt_number(tau.min(), lang, 2)} to {fmt_number(tau.max(), lang, 2)}."))
    if "drop" in s.index and np.isfinite(s.at["drop", "spearman_size"]):
        flips = [p for p in s.index if bool(s.at[p, "sign_change"])]
        rho = s.at["drop", "spearman_size"]
        if flips == ["zero"]:
            out.append((f"Liên hệ giữa chỉ số và điểm tối đa phát sinh (ρ = {fmt_number(rho, lang, 2)} theo cách chính thức) chỉ "
                        "đổi chiều khi tính KPS là 0 điểm — cách này trừ điểm chính các đơn vị ít nhiệm vụ, nên không phải là "
                        "bằng chứng độc lập; theo mọi cách khác chiều liên hệ giữ nguyên.")
                       if vi else
                       (f"The association of the index with the applicable maximum (ρ = {fmt_number(rho, lang, 2)} officially) "
                        "changes sign only when KPS counts as zero — a rule that penalises few-task units by construction, so "
                        "not independent evidence; under every other rule its sign holds."))
        elif flips:
            w = ", ".join(f"\"{POLICY_WORDS[p][lang]}\"" for p in flips)
            out.append((f"Liên hệ giữa chỉ số và điểm tối đa phát sinh (ρ = {fmt_number(rho, lang, 2)} theo cách chính thức) "
                        f"đổi chiều theo cách {w}: kết luận về \"ít nhiệm vụ được lợi\" phụ thuộc vào quy tắc tính KPS.")
                       if vi else
                       (f"The association of the index with the applicable maximum (ρ = {fmt_number(rho, lang, 2)} officially) "
                        f"changes sign under {w}: any conclusion on \"few tasks are favoured\" depends on the KPS rule."))
        else:
            out.append((f"Liên hệ giữa chỉ số và điểm tối đa phát sinh (ρ = {fmt_number(rho, lang, 2)}) giữ nguyên chiều theo mọi cách tính."
                        if vi else f"The association of the index with the applicable maximum (ρ = {fmt_number(rho, lang, 2)}) keeps "
                        "its sign under every rule."))
    if synthetic:
        out.append("Các con số trên là của dữ liệu giả lập (mô phỏng), chỉ để minh họa phương pháp." if vi
                   else "These numbers come from synthetic (simulated) data and only illustrate the method.")
    return out[:5]
