"""Notebook 01 in words: the findings (2-5 plain sentences), the page's fixed texts, and
what the page can do with the data it is given (one year: the ranking with its rank
intervals; two years or more: trends and why a unit moved)."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from ..labels import check_lang, fill_texts, register, register_values
from ..text import fmt_int, fmt_number, fmt_signed

__all__ = ["texts", "Plan", "plan", "findings", "one_year_findings", "unit_history", "notes",
           "attribution_for_people", "breaks_for_people"]

register_values({
    "rank_rise": {"vi": "Tăng hạng nhiều nhất", "en": "Largest rank rise"},
    "rank_fall": {"vi": "Giảm hạng nhiều nhất", "en": "Largest rank fall"},
    "index_rise": {"vi": "Tăng chỉ số nhiều nhất", "en": "Largest index rise"},
    "index_fall": {"vi": "Giảm chỉ số nhiều nhất", "en": "Largest index fall"},
}, column="kind")
register_values({
    "rank": {"vi": "Thứ hạng", "en": "Rank"},
    "index": {"vi": "Chỉ số", "en": "Index"},
    "component": {"vi": "Thành phần", "en": "Component"},
    "field": {"vi": "Lĩnh vực", "en": "Field"},
}, column="group")
register_values({
    "total": {"vi": "Tổng thay đổi", "en": "Total change"},
    "own_score": {"vi": "Do điểm của chính đơn vị", "en": "The unit's own score"},
    "others": {"vi": "Do điểm của các đơn vị khác", "en": "The other units' scores"},
    "not_available": {"vi": "Không tách được", "en": "Cannot be split"},
    "appraisal": {"vi": "Điểm thẩm định", "en": "Appraisal"},
    "survey": {"vi": "Điểm điều tra XHH", "en": "Survey"},
    "interaction": {"vi": "Phần tương tác", "en": "Interaction"},
}, column="part")
register_values({
    "documented": {"vi": "có văn bản", "en": "documented"},
    "inferred": {"vi": "suy ra", "en": "inferred"},
}, column="year_from_basis")



register({
    "sentence": {"vi": "Diễn giải", "en": "Explanation"},
    "what_changed": {"vi": "Nội dung thay đổi", "en": "What changed"},
    "note": {"vi": "Ghi chú", "en": "Note"},
})

_TEXTS = {
    "title": {"vi": "Xu hướng xếp hạng Chỉ số CCHC", "en": "PAR INDEX ranking trends"},
    "h_trajectory": {"vi": "Quỹ đạo xếp hạng", "en": "Rank trajectories"},
    "h_breaks": {"vi": "Thay đổi phương pháp", "en": "Methodology breaks"},
    "h_movers": {"vi": "Tăng, giảm nhiều nhất", "en": "Largest movers"},
    "h_why": {"vi": "Vì sao tăng/giảm hạng?", "en": "Why did the rank change?"},
    "h_sure": {"vi": "Hạng chắc chắn đến đâu?", "en": "How sure is a rank?"},
    "h_ranking": {"vi": "Xếp hạng năm {year_to}", "en": "Ranking {year_to}"},
    "cap_bump": {"vi": "Thứ hạng của từng đơn vị qua các năm (1 = cao nhất); đường nét đứt: thay đổi phương pháp",
                 "en": "Each unit's rank over the years (1 = best); dashed lines: methodology breaks"},
    "cap_history": {"vi": "Thứ hạng và chỉ số của {unit} qua các năm có số liệu",
                    "en": "Rank and index of {unit} in the years with data"},
    "cap_breaks": {"vi": "Các quyết định thay đổi phương pháp đánh giá", "en": "Decisions that changed the method"},
    "cap_movers": {"vi": "Các đơn vị tăng, giảm nhiều nhất từ {year_from} đến {year_to}",
                   "en": "Units that moved most from {year_from} to {year_to}"},
    "cap_slope": {"vi": "Thứ hạng năm {year_from} và năm {year_to} của từng đơn vị",
                  "en": "Each unit's rank in {year_from} and {year_to}"},
    "cap_attribution": {"vi": "Phân tách thay đổi của {unit}, {year_from} → {year_to}",
                        "en": "How the change of {unit} splits up, {year_from} → {year_to}"},
    "cap_waterfall": {"vi": "Phân tách thay đổi của {unit} (từng phần cộng lại bằng tổng)",
                      "en": "How the change of {unit} splits up (the parts add up to the total)"},
    "cap_intervals": {"vi": "Khoảng hạng (mức tin cậy 90 %) của từng đơn vị năm {year_to}; chấm: hạng công bố",
                      "en": "Rank interval (90 % confidence) of each unit in {year_to}; dot: the rank"},
    "cap_interval_table": {"vi": "Hạng, khoảng hạng và nhóm hạng không phân biệt được, năm {year_to}",
                           "en": "Rank, rank interval and indistinguishable rank band, {year_to}"},
    "one_year": {"vi": "Dữ liệu chỉ có một năm ({year_to}): chưa thể phân tích xu hướng, đơn vị tăng/giảm hạng "
                       "và nguyên nhân; cần số liệu của ít nhất hai năm. Trang này chỉ trình bày xếp hạng năm "
                       "{year_to} kèm khoảng hạng.",
                 "en": "The data hold one year only ({year_to}): trends, movers and why a unit moved need at "
                       "least two years. This page shows the {year_to} ranking with its rank intervals."},
    "h_rank_lo": {"vi": "Hạng tốt nhất có thể", "en": "Best plausible rank"},
    "h_rank_hi": {"vi": "Hạng kém nhất có thể", "en": "Worst plausible rank"},
    "h_from_year": {"vi": "Áp dụng từ năm", "en": "From year"},
}


def texts(lang: str = "vi", **kw) -> dict[str, str]:
    """The page's fixed texts in ``lang``; ``kw`` (unit, year_from, year_to) fill placeholders."""
    return fill_texts(_TEXTS, lang, **kw)


@dataclass
class Plan:
    """What notebook 01 does with the data it has."""

    years: list[int]
    two_years: bool
    year_from: int | None
    year_to: int
    unit: str | None
    unit_name: str | None


def plan(data: pd.DataFrame, *, unit: str, year_from: int, year_to: int, year: int = 0, coverage=None) -> Plan:
    """The years compared and the unit explained, or (one year) only the year shown.

    Examples
    --------
    >>> one = pd.DataFrame({"year": [2024, 2024], "unit_id": ["a", "b"], "unit_name": ["A", "B"],
    ...                     "index": [80.0, 85.0]})
    >>> p = plan(one, unit="a", year_from=2022, year_to=2023)
    >>> p.two_years, p.year_to
    (False, 2024)
    """
    from .notebook import pick_unit, resolve_years

    years = sorted(int(y) for y in pd.unique(data["year"]))
    if len(years) < 2:
        return Plan(years, False, None, years[-1] if years else int(year or year_to), None, None)
    yf, yt = resolve_years(data, year_from=year_from, year_to=year_to, year=year)
    u = pick_unit(data, unit, year_from=yf, year_to=yt, coverage=coverage)
    names = data.loc[data["unit_id"] == u, "unit_name"] if "unit_name" in data else pd.Series(dtype=object)
    return Plan(years, True, yf, yt, u, str(names.iloc[0]) if len(names) else u)


def unit_history(unit_trajectory: pd.DataFrame) -> pd.DataFrame:
    """The years in which the unit has a rank (for the page)."""
    t = unit_trajectory
    if "observed" in t:
        t = t[t["observed"].astype(bool)]
    return t.reset_index(drop=True)


def notes(table: pd.DataFrame, *, lang: str = "vi") -> list[str]:
    """The distinct notes of a movers table in ``lang`` (for a footnote)."""
    col = f"note_{lang}"
    if col not in table:
        return []
    return list(dict.fromkeys(str(n) for n in table[col].dropna() if str(n).strip()))


def attribution_for_people(attribution: pd.DataFrame, *, lang: str = "vi") -> pd.DataFrame:
    """The attribution table with one ``sentence`` column in ``lang`` and field names as parts."""
    from ..labels import FIELD_NAMES

    out = attribution.copy()
    out["sentence"] = out[f"sentence_{lang}"]
    places = out["measure"].eq("places") if "measure" in out else pd.Series(False, index=out.index)
    numbers = out["value"].astype(float).to_numpy()
    out["value"] = [(_signed_places(v, lang) if p else fmt_signed(v, lang, 2)) if pd.notna(v) else None
                    for v, p in zip(out["value"], places)]
    out.attrs["numbers"] = {"value": numbers}  # tables.xlsx keeps the numbers (−4, not the text "−4")
    is_field = out["group"].eq("field") & out["part"].astype(str).isin(FIELD_NAMES)
    out.loc[is_field, "part"] = [f"{p}. {FIELD_NAMES[str(p)][lang]}" for p in out.loc[is_field, "part"]]
    return out


def _signed_places(v, lang: str) -> str:
    """Rank places, signed: whole numbers as such, Shapley halves with one decimal (−9,5), so
    that the parts visibly add up to the total (−9,5 + −1,5 = −11, not −10 + −2)."""
    v = float(v)
    return fmt_signed(v, lang, 0 if abs(v - round(v)) < 1e-9 else 1)


def breaks_for_people(breaks: pd.DataFrame, *, lang: str = "vi") -> pd.DataFrame:
    """The methodology breaks with one ``what_changed`` column in ``lang``."""
    out = breaks.copy()
    out["what_changed"] = out[f"what_changed_{lang}"]
    if "date" in out.columns:  # the decision's date as the reader writes it: 03/12/2012 (vi), 3 Dec 2012 (en)
        d = pd.to_datetime(out["date"], errors="coerce", format="%Y-%m-%d")
        shown = d.dt.strftime("%d/%m/%Y") if lang == "vi" else d.dt.strftime("%-d %b %Y")
        out["date"] = shown.where(d.notna(), out["date"])
    return out


def _rank_row(att: pd.DataFrame, group: str, part: str):
    r = att[(att["group"] == group) & (att["part"] == part)]
    return r.iloc[0] if len(r) else None


def findings(attribution: pd.DataFrame, movers: pd.DataFrame, intervals: pd.DataFrame, *, lang: str = "vi",
             synthetic: bool = False) -> list[str]:
    """2-5 sentences: how the unit moved and why, who moved most, how sure the ranks are."""
    check_lang(lang)
    vi = lang == "vi"
    out: list[str] = []
    tot = _rank_row(attribution, "rank", "total")
    if tot is not None:
        name = tot["unit_name"]
        rf, rt = int(tot["rank_from"]), int(tot["rank_to"])
        moved = rf - rt
        verb = ((f"tăng {moved} bậc" if moved > 0 else f"giảm {-moved} bậc" if moved < 0 else "giữ nguyên hạng") if vi
                else (f"up {moved} places" if moved > 0 else f"down {-moved} places" if moved < 0 else "same rank"))
        s = f"{name} {verb}, {rf} → {rt} ({int(tot['year_from'])} → {int(tot['year_to'])})"
        idx = _rank_row(attribution, "index", "total")
        if idx is not None and pd.notna(idx["value"]):
            s += (f"; chỉ số {'tăng' if idx['value'] > 0 else 'giảm'} {fmt_number(abs(idx['value']), lang)} điểm "
                  f"({fmt_number(idx['index_from'], lang)} → {fmt_number(idx['index_to'], lang)})" if vi else
                  f"; index {'up' if idx['value'] > 0 else 'down'} {fmt_number(abs(idx['value']), lang)} points "
                  f"({fmt_number(idx['index_from'], lang)} → {fmt_number(idx['index_to'], lang)})")
        if synthetic:
            s += " (dữ liệu giả lập)" if vi else " (synthetic data)"
        out.append(s + ".")
        own, oth = _rank_row(attribution, "rank", "own_score"), _rank_row(attribution, "rank", "others")
        if own is not None and bool(own["computable"]) and oth is not None:
            o, t_ = _signed_places(own["value"], lang), _signed_places(oth["value"], lang)
            out.append(f"Trong thay đổi {fmt_signed(moved, lang, 0)} bậc: {o} do điểm "
                       f"của chính đơn vị, {t_} do điểm của các đơn vị khác." if vi else
                       f"Of the {fmt_signed(moved, lang, 0)} places: {o} from the unit's "
                       f"own score, {t_} from the other units' scores.")
        elif own is not None:
            out.append(str(own[f"sentence_{lang}"]))
        comp = attribution[(attribution["group"] == "field") & attribution["computable"].astype(bool)]
        if len(comp):
            worst = comp.loc[comp["value"].idxmin()]
            best = comp.loc[comp["value"].idxmax()]
            from ..labels import FIELD_NAMES

            def _f(p):
                return FIELD_NAMES.get(str(p), {}).get(lang, str(p))
            out.append(f"Theo lĩnh vực: {_f(worst['part'])} kéo chỉ số {fmt_signed(worst['value'], lang)} điểm; "
                       f"{_f(best['part'])} {fmt_signed(best['value'], lang)} điểm." if vi else
                       f"By field: {_f(worst['part'])} moved the index {fmt_signed(worst['value'], lang)} points; "
                       f"{_f(best['part'])} {fmt_signed(best['value'], lang)} points.")
    if len(movers):
        up = movers[movers["kind"] == "rank_rise"].head(1)
        dn = movers[movers["kind"] == "rank_fall"].head(1)
        parts = []
        for lab, r in ((("tăng nhiều nhất", "largest rise"), up), (("giảm nhiều nhất", "largest fall"), dn)):
            if len(r):
                r = r.iloc[0]
                parts.append(f"{lab[0 if vi else 1]}: {r['unit_name']} ({int(r['rank_from'])} → {int(r['rank_to'])})")
        if parts:
            s = "; ".join(parts)
            nts = notes(movers, lang=lang)
            out.append(s[0].upper() + s[1:] + "." + (f" {nts[0]}" if nts else ""))
    out += _interval_sentences(intervals, lang=lang, unit=None if tot is None else tot["unit_id"])
    return out[:5]


def _interval_sentences(intervals: pd.DataFrame, *, lang: str, unit=None) -> list[str]:
    vi = lang == "vi"
    if intervals is None or not len(intervals):
        return []
    n, nb = len(intervals), int(intervals["band"].nunique())
    year = int(intervals["year"].iloc[0])
    conf = fmt_number(100 * float(intervals["confidence"].iloc[0]), lang, 0)
    s = (f"Năm {year}: {n} đơn vị chỉ tách được thành {nb} nhóm hạng không phân biệt được (mức tin cậy {conf} %)"
         if vi else f"{year}: {n} units separate into only {nb} indistinguishable rank bands ({conf} % confidence)")
    if unit is not None and unit in set(intervals["unit_id"]):
        r = intervals[intervals["unit_id"] == unit].iloc[0]
        s += (f"; hạng {int(r['rank'])} của {r['unit_name']} có thể là từ {int(r['rank_lo'])} đến {int(r['rank_hi'])}"
              if vi else f"; {r['unit_name']}'s rank {int(r['rank'])} could be anywhere from {int(r['rank_lo'])} to "
              f"{int(r['rank_hi'])}")
    return [s + "."]


def one_year_findings(intervals: pd.DataFrame, *, lang: str = "vi", synthetic: bool = False) -> list[str]:
    """Findings when the data hold one year: who leads, how sure the ranks are, what is missing."""
    check_lang(lang)
    vi = lang == "vi"
    out = []
    if len(intervals):
        d = intervals.sort_values("rank")
        top, bottom = d.iloc[0], d.iloc[-1]
        year = int(d["year"].iloc[0])
        s = (f"Năm {year}: dẫn đầu {top['unit_name']} ({fmt_number(top['index'], lang)}), cuối bảng "
             f"{bottom['unit_name']} ({fmt_number(bottom['index'], lang)}); {fmt_int(len(d), lang)} đơn vị" if vi else
             f"{year}: top {top['unit_name']} ({fmt_number(top['index'], lang)}), bottom {bottom['unit_name']} "
             f"({fmt_number(bottom['index'], lang)}); {len(d)} units")
        if synthetic:
            s += " (dữ liệu giả lập)" if vi else " (synthetic data)"
        out.append(s + ".")
        out += _interval_sentences(intervals, lang=lang)
        sure = d[(d["rank_lo"] == d["rank_hi"])]
        out.append(f"{fmt_int(len(sure), lang)} trong {fmt_int(len(d), lang)} đơn vị có hạng chắc chắn (khoảng hạng chỉ "
                   f"gồm một hạng)." if vi else
                   f"{len(sure)} of {len(d)} units have a certain rank (an interval of one rank).")
    out.append("Chỉ có một năm số liệu: chưa đánh giá được xu hướng." if vi
               else "One year of data only: no trend can be assessed.")
    return out[:5]
