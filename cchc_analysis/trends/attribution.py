"""Why a unit's rank changed: its own score vs the others', then by component and field.

The rank change is split by the 2-player Shapley value (own score, other units), the index
change by the exact Shapley value of the groups (components, fields) in the ratio game of
points over applicable maximum (:func:`cchc_analysis.stats.shapley_ratio`), so the parts add
up exactly. :func:`attribution_report` says in words what the data can and cannot explain.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..labels import FIELD_NAMES, check_lang
from ..ranking import competition_rank
from ..stats import shapley_ratio
from ..text import fmt_number, fmt_signed
from .breaks import _check_breaks, break_note, breaks_between
from .trajectory import _is_scores, _lineage_rows, _successors, _year_pair_table

__all__ = ["rank_change_attribution", "attribution_report"]


def _fmt(x: float, lang: str, decimals: int = 2) -> str:
    """A number in a sentence: trailing zeros dropped, decimal comma in Vietnamese."""
    return fmt_number(x, lang, decimals, strip=True)


def _signed(x: float, lang: str, decimals: int = 2) -> str:
    return fmt_signed(x, lang, decimals, strip=True)


def _places(x: float) -> str:
    return f"{_fmt(x, 'en')} place" + ("" if abs(x - 1) < 1e-12 else "s")


def _group_order(k: str):
    """Fields in numeric order (1, 2, …, 10), components appraisal before survey."""
    order = {"appraisal": 0, "survey": 1}
    if k in order:
        return (0, order[k], "")
    try:
        return (1, float(k), k)
    except ValueError:
        return (2, 0.0, k)


def _rank_against(score: float, others: np.ndarray) -> int:
    """Competition rank of ``score`` among ``others`` (1 + the number strictly above)."""
    return int(competition_rank(np.append(np.asarray(others, dtype=float), score))[-1])


def _field_label(f: str, lang: str) -> str:
    name = FIELD_NAMES.get(str(f), {}).get(lang)
    if lang == "vi":
        return f"Lĩnh vực {f}" + (f" ({name})" if name else "")
    return f"Field {f}" + (f" ({name})" if name else "")


def _by_criterion(data: pd.DataFrame, *, unit: str, year_from: int, year_to: int, by: str, unused: dict):
    if by != "criterion":
        raise ValueError(f"`by` must be None or 'criterion', but {by!r} was passed.")
    given = [k for k, v in unused.items() if v is not None]
    if given:
        raise ValueError(f"by='criterion' does not take {given}: pass the scores of the unit's own id.")
    if not _is_scores(data) or "criterion" not in data.columns:
        raise ValueError("by='criterion' needs a scores table (one row per unit × year × criterion), "
                         "not a published table; see cchc_analysis.read_scores.")
    from ..scorecard.attribution import criterion_attribution  # the one implementation

    return criterion_attribution(data, unit=unit, year_from=year_from, year_to=year_to)


def rank_change_attribution(data: pd.DataFrame, *, unit: str, year_from: int, year_to: int,
                            lineage=None, level: str | None = None, breaks=None,
                            coverage=None, by: str | None = None) -> pd.DataFrame:
    """Why a unit's rank changed: its own score change vs the others', then by component and field.

    **Rank.** Let ``R(s, O)`` be the competition rank of score ``s`` among the other
    units' scores ``O`` (1 + the number of others strictly above). The change
    ``R(s₁, O₁) − R(s₀, O₀)`` is split into the unit's *own* score change and the
    *others'* changes with the two counterfactual ranks ``R(s₁, O₀)`` (new own score
    against the others' old scores) and ``R(s₀, O₁)`` (old own score against the
    others' new scores), averaging both orders (the 2-player Shapley value):
    ``own = ½[(R(s₁,O₀) − R(s₀,O₀)) + (R(s₁,O₁) − R(s₀,O₁))]``, ``others`` = the
    rest; the two add up exactly. Units entering or leaving the ranking count among
    the others' changes.

    **Index.** The unit's index change is split into groups (components: appraisal vs
    survey; fields 1..8) by the Shapley value of the game "which groups take their
    ``year_to`` values": with points ``P_g`` and applicable maximum ``M_g`` of group ``g``,
    ``v(S) = 100 · (Σ_{g∈S} P_g¹ + Σ_{g∉S} P_g⁰) / (Σ_{g∈S} M_g¹ + Σ_{g∉S} M_g⁰)``.
    A group's part thus includes the effect of its *applicable maximum* changing
    (criteria arising or not), and the parts add up exactly to the index change.
    When the maxima do not change, a group's part is simply ``100 · ΔP_g / M``.
    On a published table the components are ``appraisal`` and ``survey`` points of a
    100-point total (part = 100·Δcomponent/denominator, denominator = 100·total/index);
    their separately rounded published values leave a small ``rounding`` part so that
    the parts still add up exactly. Published tables have no fields.

    Parameters
    ----------
    data : published table or scores table.
    unit : the unit id (followed through ``lineage`` if it was renamed).
    year_from, year_to : the two years compared.
    lineage, level, breaks, coverage : as in :func:`~cchc_analysis.trends.rank_trajectory`
        (pass ``coverage`` for a published table: a year whose table lacks units cannot give
        the own/others split).
    by : ``None`` (the parts described above) or ``"criterion"``: each criterion's part of
        the index change instead, from a scores table, with the effect of criteria that
        switched between applicable and không phát sinh shown separately (``through_max``);
        the table of :func:`cchc_analysis.scorecard.criterion_attribution`, whose parts add up
        exactly to the index change. ``lineage``, ``level``, ``breaks`` and ``coverage`` do
        not apply to it.

    Returns
    -------
    DataFrame
        One row per part: ``unit_id, unit_name, year_from, year_to, group`` (``rank``,
        ``index``, ``component``, ``field``, ``caveat``), ``part`` (``total``,
        ``own_score``, ``others``, ``appraisal``, ``survey``, ``rounding``, a field id,
        ``methodology_break``, ``not_available``), ``value`` (rank rows: places gained,
        positive = moved up; other rows: index points), ``measure`` (``places`` or
        ``index_points``), ``computable``, ``rank_from, rank_to, index_from, index_to,
        cf_rank_own_new`` (R(s₁,O₀)), ``cf_rank_others_new`` (R(s₀,O₁)), ``n_others_from,
        n_others_to, data_kind`` (``published`` or ``scores``), ``years_complete``
        (False when a year's table lacks units: then only the published ranks are
        used and the own/others split is a non-computable row), ``break_between,
        sentence_vi, sentence_en``. A part the data cannot give (e.g. components of a
        published year that lists only totals) is a row with NaN ``value``,
        ``computable`` False and a sentence saying why.

    Examples
    --------
    Four units; ``b`` falls from 2nd to 4th: its own score dropped (88 → 78, below
    ``c``) while ``d`` rose (70 → 86). Against the others' old scores its new score ranks
    3rd; its old score against the others' new scores ranks 2nd; so own = ½[(3 − 2) +
    (4 − 2)] = 1.5 places lost and others = 2 − 1.5 = 0.5.

    >>> pub = pd.DataFrame({"year": [2022] * 4 + [2023] * 4, "unit_id": list("abcdabcd"),
    ...                     "index": [90.0, 88.0, 80.0, 70.0, 91.0, 78.0, 79.0, 86.0]})
    >>> att = rank_change_attribution(pub, unit="b", year_from=2022, year_to=2023)
    >>> att.loc[att["group"] == "rank", ["part", "value", "cf_rank_own_new", "cf_rank_others_new"]]
            part  value  cf_rank_own_new  cf_rank_others_new
    0      total   -2.0                3                   2
    1  own_score   -1.5                3                   2
    2     others   -0.5                3                   2
    """
    if by is not None:
        return _by_criterion(data, unit=unit, year_from=year_from, year_to=year_to, by=by,
                             unused={"lineage": lineage, "level": level, "breaks": breaks, "coverage": coverage})
    check_cols = set(data.columns)
    if level is None and "level" in check_cols and not _is_scores(data) and data["level"].nunique() > 1:
        lv = data.loc[data["unit_id"].astype(str) == str(unit), "level"].dropna().unique()
        if len(lv) == 1:
            level = str(lv[0])  # the unit's own level
    t, a, b = _year_pair_table(data, year_from=year_from, year_to=year_to, lineage=lineage, level=level,
                               coverage=coverage)
    kind = t.attrs["kind"]
    succ = _successors(lineage)
    rows = _lineage_rows(t, str(unit), succ)
    ua = a[a["unit_id"].isin(rows.loc[rows["year"] == int(year_from), "unit_id"])]
    ub = b[b["unit_id"].isin(rows.loc[rows["year"] == int(year_to), "unit_id"])]
    if ua.empty or ub.empty:
        missing = year_from if ua.empty else year_to
        raise ValueError(f"unit {unit!r} has no index in {missing} (nor any unit of its lineage); "
                         f"units present that year: {sorted((a if ua.empty else b)['unit_id'])[:8]}")
    if len(ua) > 1 or len(ub) > 1:
        raise ValueError(f"unit {unit!r} has several lineage members in one year "
                         f"({sorted(set(ua['unit_id']) | set(ub['unit_id']))}); choose one unit id.")
    ra, rb = ua.iloc[0], ub.iloc[0]
    if not (bool(ra["ranked"]) and bool(rb["ranked"])):
        raise ValueError(f"unit {unit!r} is not ranked in both years (a special agency?); no rank to explain.")
    s0, s1 = float(ra["index"]), float(rb["index"])
    oth0 = a[(a["unit_id"] != ra["unit_id"]) & a["ranked"] & a["index"].notna()]["index"].to_numpy(float)
    oth1 = b[(b["unit_id"] != rb["unit_id"]) & b["ranked"] & b["index"].notna()]["index"].to_numpy(float)
    partial = [y for y, x in ((year_from, a), (year_to, b)) if not x["year_complete"].all()]
    if partial:
        # counterfactual ranks need every ranked unit's index: only the published ranks are usable
        r00 = int(ra["rank"]) if pd.notna(ra.get("rank")) else None
        r11 = int(rb["rank"]) if pd.notna(rb.get("rank")) else None
        r10 = r01 = None
    else:
        r00, r11 = _rank_against(s0, oth0), _rank_against(s1, oth1)
        r10, r01 = _rank_against(s1, oth0), _rank_against(s0, oth1)
    name = str(rb["unit_name"])
    lvl = t["_grp"].iloc[0] if t["_grp"].iloc[0] in ("ministry", "province") else None
    brk = _check_breaks(breaks) if (breaks is not None or kind == "published") else None
    crossing = brk is not None and not breaks_between(year_from, year_to, level=lvl, breaks=brk).empty
    rows: list[dict] = []

    def add(group, part, value, measure, vi, en, computable=True):
        rows.append({"group": group, "part": part, "value": value, "measure": measure,
                     "computable": computable, "sentence_vi": vi, "sentence_en": en})

    def move(v, lang):
        if v == 0:
            return "không làm thay đổi hạng" if lang == "vi" else "did not change the rank"
        if lang == "vi":
            return f"làm đơn vị {'tăng' if v > 0 else 'giảm'} {_fmt(abs(v), 'vi')} bậc"
        return f"moved the unit {'up' if v > 0 else 'down'} {_places(abs(v))}"

    if r00 is not None and r11 is not None:
        gained = float(r00 - r11)
        if gained == 0:
            vi_move, en_move = "giữ nguyên hạng", "rank unchanged"
        else:
            vi_move = f"{'tăng' if gained > 0 else 'giảm'} {_fmt(abs(gained), 'vi')} bậc"
            en_move = f"{'up' if gained > 0 else 'down'} {_places(abs(gained))}"
        if partial:
            cnt_vi = "hạng theo bảng công bố"
            cnt_en = "published ranks"
        else:
            cnt_vi = f"{len(oth0) + 1} và {len(oth1) + 1} đơn vị được xếp hạng"
            cnt_en = f"{len(oth0) + 1} and {len(oth1) + 1} units ranked"
        add("rank", "total", gained, "places",
            f"{name}: hạng {r00} năm {year_from} → hạng {r11} năm {year_to} ({vi_move}; {cnt_vi}).",
            f"{name}: rank {r00} in {year_from} → rank {r11} in {year_to} ({en_move}; {cnt_en}).")
    else:
        add("rank", "total", np.nan, "places",
            f"Không có hạng của {name} trong cả hai năm {year_from} và {year_to}.",
            f"{name} has no rank in both {year_from} and {year_to}.", computable=False)
    if partial:
        ys = ", ".join(str(y) for y in partial)
        n_present = ", ".join(f"{y}: {int((x['ranked'] & x['index'].notna()).sum())}"
                              for y, x in ((year_from, a), (year_to, b)))
        add("rank", "own_score", np.nan, "places",
            f"Không tách được phần do điểm của chính đơn vị và phần do các đơn vị khác: bảng năm {ys} "
            f"chưa đầy đủ (số đơn vị có chỉ số — {n_present}); hạng phản thực cần chỉ số của mọi "
            "đơn vị được xếp hạng.",
            f"The split into the unit's own score and the other units' changes cannot be computed: the "
            f"table of {ys} is incomplete (units with an index — {n_present}); counterfactual ranks "
            "need the index of every ranked unit.", computable=False)
        add("rank", "others", np.nan, "places",
            "Phần do các đơn vị khác: không tính được (như trên).",
            "The other units' part: not computable (as above).", computable=False)
    else:
        # rank change in places lost (positive = worse); report places gained = -that
        own = 0.5 * ((r10 - r00) + (r11 - r01))
        others = (r11 - r00) - own
        add("rank", "own_score", -own, "places",
            f"Thay đổi điểm của chính đơn vị (chỉ số {_fmt(s0, 'vi')} → {_fmt(s1, 'vi')}) {move(-own, 'vi')}: "
            f"với điểm năm {year_to} đặt giữa các đơn vị khác năm {year_from}, đơn vị đứng hạng {r10}; "
            f"với điểm năm {year_from} đặt giữa các đơn vị khác năm {year_to}, hạng {r01} "
            f"(trung bình hai thứ tự so sánh, giá trị Shapley).",
            f"The unit's own score change (index {_fmt(s0, 'en')} → {_fmt(s1, 'en')}) {move(-own, 'en')}: "
            f"its {year_to} score among the others' {year_from} scores ranks {r10}; its {year_from} score "
            f"among the others' {year_to} scores ranks {r01} (average of both orders, Shapley value).")
        add("rank", "others", -others, "places",
            f"Thay đổi điểm của các đơn vị khác {move(-others, 'vi')}"
            + (f" (số đơn vị khác: {len(oth0)} → {len(oth1)})." if len(oth0) != len(oth1) else "."),
            f"The other units' score changes {move(-others, 'en')}"
            + (f" (other units: {len(oth0)} → {len(oth1)})." if len(oth0) != len(oth1) else "."))
    d_index = s1 - s0
    add("index", "total", d_index, "index_points",
        f"Chỉ số của đơn vị thay đổi {_signed(d_index, 'vi')} điểm ({_fmt(s0, 'vi')} → {_fmt(s1, 'vi')}).",
        f"The unit's index changed by {_signed(d_index, 'en')} points ({_fmt(s0, 'en')} → {_fmt(s1, 'en')}).")

    comp_vi = {"appraisal": "Điểm thẩm định", "survey": "Điểm điều tra xã hội học"}
    comp_en = {"appraisal": "Appraisal points", "survey": "Survey points"}
    if kind == "scores":
        sc = data[data["year"].isin([int(year_from), int(year_to)])]
        for group, col in (("component", "component"), ("field", "field")):
            if col not in sc.columns:
                add(group, "not_available", np.nan, "index_points",
                    f"Dữ liệu không có cột '{col}': không tách được theo {'thành phần' if col == 'component' else 'lĩnh vực'}.",
                    f"The data has no '{col}' column: no split by {col}.", computable=False)
                continue
            x = sc[sc["unit_id"].isin([ra["unit_id"], rb["unit_id"]])]
            app = x["applicable"].to_numpy(bool)
            x = x.assign(_p=np.where(app, x["points"].to_numpy(float), 0.0),
                         _m=np.where(app, x["max_points"].to_numpy(float), 0.0))
            g = x.groupby([col, "year"])[["_p", "_m"]].sum().unstack("year", fill_value=0.0)
            keys = sorted(g.index.astype(str), key=_group_order)
            g.index = g.index.astype(str)
            g = g.loc[keys]
            col0 = lambda c, y: g[(c, int(y))].to_numpy(float) if (c, int(y)) in g.columns else np.zeros(len(g))  # noqa: E731
            phi = shapley_ratio(col0("_p", year_from), col0("_m", year_from), col0("_p", year_to), col0("_m", year_to))
            if np.isnan(phi).any():
                add(group, "not_available", np.nan, "index_points",
                    "Không tách được: có tổ hợp lĩnh vực không có tiêu chí phát sinh nào.",
                    "Not computable: some combination of groups has no applicable criterion.", computable=False)
                continue
            for k, v in zip(keys, phi):
                m0, m1 = col0("_m", year_from)[keys.index(k)], col0("_m", year_to)[keys.index(k)]
                maxnote_vi = (f"; điểm tối đa phát sinh {_fmt(m0, 'vi')} → {_fmt(m1, 'vi')}" if abs(m1 - m0) > 1e-9 else "")
                maxnote_en = (f"; applicable maximum {_fmt(m0, 'en')} → {_fmt(m1, 'en')}" if abs(m1 - m0) > 1e-9 else "")
                if group == "component":
                    lv, le = comp_vi.get(k, k), comp_en.get(k, k)
                else:
                    lv, le = _field_label(k, "vi"), _field_label(k, "en")
                add(group, k, float(v), "index_points",
                    f"{lv}: đóng góp {_signed(float(v), 'vi')} điểm chỉ số{maxnote_vi} (giá trị Shapley).",
                    f"{le}: contributed {_signed(float(v), 'en')} index points{maxnote_en} (Shapley value).")
    else:
        have = [c for c in ("appraisal", "survey") if c in check_cols]
        vals0 = {c: float(ra[c]) if c in have and pd.notna(ra.get(c)) else np.nan for c in ("appraisal", "survey")}
        vals1 = {c: float(rb[c]) if c in have and pd.notna(rb.get(c)) else np.nan for c in ("appraisal", "survey")}
        miss = [y for y, vals in ((year_from, vals0), (year_to, vals1)) if any(np.isnan(v) for v in vals.values())]
        if miss:
            ys = ", ".join(str(y) for y in miss)
            add("component", "not_available", np.nan, "index_points",
                f"Không tách được thay đổi chỉ số thành điểm thẩm định và điểm điều tra xã hội học: "
                f"bảng công bố năm {ys} không có hai thành phần này cho đơn vị.",
                f"The index change cannot be split into appraisal and survey points: the published "
                f"table of {ys} does not give these components for the unit.", computable=False)
        else:
            def denom(r):
                tot = float(r["total"]) if "total" in r and pd.notna(r.get("total")) else np.nan
                idx = float(r["index"])
                return 100.0 * tot / idx if (not np.isnan(tot) and idx > 0) else 100.0
            d0, d1 = denom(ra), denom(rb)
            parts = {c: 100.0 * vals1[c] / d1 - 100.0 * vals0[c] / d0 for c in ("appraisal", "survey")}
            for c, v in parts.items():
                add("component", c, v, "index_points",
                    f"{comp_vi[c]}: {_fmt(vals0[c], 'vi')} → {_fmt(vals1[c], 'vi')}, đóng góp {_signed(v, 'vi')} điểm chỉ số.",
                    f"{comp_en[c]}: {_fmt(vals0[c], 'en')} → {_fmt(vals1[c], 'en')}, contributed {_signed(v, 'en')} index points.")
            resid = d_index - sum(parts.values())
            add("component", "rounding", resid, "index_points",
                f"Phần chênh do các số trong bảng công bố được làm tròn riêng: {_signed(resid, 'vi', 4)} điểm.",
                f"Difference due to separately rounded published numbers: {_signed(resid, 'en', 4)} points.")
        add("field", "not_available", np.nan, "index_points",
            "Không tách được theo lĩnh vực: bảng công bố chỉ có tổng điểm (và có năm có hai thành phần), "
            "không có điểm từng lĩnh vực, tiêu chí.",
            "No split by field: published tables give totals (and in some years the two components), "
            "not the points of each field or criterion.", computable=False)
    if crossing:
        add("caveat", "methodology_break", np.nan, "",
            break_note(year_from, year_to, level=lvl, breaks=brk, lang="vi"),
            break_note(year_from, year_to, level=lvl, breaks=brk, lang="en"), computable=False)
    if kind == "published" and "rank" in check_cols and not partial:
        pub0, pub1 = ra.get("rank"), rb.get("rank")
        if pd.notna(pub0) and pd.notna(pub1) and (int(pub0) != r00 or int(pub1) != r11):
            add("caveat", "published_rank_differs", np.nan, "",
                f"Hạng công bố ({int(pub0)} → {int(pub1)}) khác hạng tính lại từ chỉ số đã làm tròn "
                f"({r00} → {r11}); phân tích dùng hạng tính lại.",
                f"The published ranks ({int(pub0)} → {int(pub1)}) differ from the ranks recomputed from the "
                f"rounded index ({r00} → {r11}); the analysis uses the recomputed ranks.", computable=False)
    out = pd.DataFrame(rows)
    out.insert(0, "year_to", int(year_to))
    out.insert(0, "year_from", int(year_from))
    out.insert(0, "unit_name", name)
    out.insert(0, "unit_id", str(rb["unit_id"]))
    def _int(v):
        return pd.array([v] * len(out), dtype="Int64")

    out["rank_from"], out["rank_to"] = _int(r00), _int(r11)
    out["index_from"], out["index_to"] = s0, s1
    out["cf_rank_own_new"], out["cf_rank_others_new"] = _int(r10), _int(r01)
    out["years_complete"] = not partial
    out["n_others_from"], out["n_others_to"] = len(oth0), len(oth1)
    out["data_kind"] = kind
    out["break_between"] = crossing
    out["value"] = out["value"].astype(float)
    cols = ["unit_id", "unit_name", "year_from", "year_to", "group", "part", "value", "measure",
            "computable", "rank_from", "rank_to", "index_from", "index_to", "cf_rank_own_new",
            "cf_rank_others_new", "n_others_from", "n_others_to", "data_kind", "years_complete",
            "break_between", "sentence_vi", "sentence_en"]
    return out[cols]


def attribution_report(attribution: pd.DataFrame, *, lang: str = "vi") -> str:
    """Plain-language account of an attribution, and what the data can and cannot explain.

    Parameters
    ----------
    attribution : output of :func:`rank_change_attribution`.
    lang : ``"vi"`` or ``"en"``.

    Returns
    -------
    str : Markdown text (bullets), one sentence per part, then the limits of the data.

    Examples
    --------
    >>> pub = pd.DataFrame({"year": [2022] * 3 + [2023] * 3, "unit_id": list("abcabc"),
    ...                     "index": [90.0, 80.0, 70.0, 75.0, 85.0, 72.0]})
    >>> att = rank_change_attribution(pub, unit="a", year_from=2022, year_to=2023)
    >>> print(attribution_report(att, lang="en").splitlines()[0])
    **a, 2022 → 2023**
    """
    check_lang(lang)
    if attribution.empty:
        raise ValueError("`attribution` is empty; pass the output of rank_change_attribution.")
    r = attribution.iloc[0]
    col = f"sentence_{lang}"
    lines = [f"**{r['unit_name']}, {int(r['year_from'])} → {int(r['year_to'])}**", ""]
    for _, row in attribution.iterrows():
        lines.append(f"- {row[col]}")
    lines.append("")
    split_ok = bool(((attribution["part"] == "own_score") & attribution["computable"]).any())
    comp_ok = bool(((attribution["group"] == "component") & attribution["computable"]).any())
    field_ok = bool(((attribution["group"] == "field") & attribution["computable"]).any())
    published = r["data_kind"] == "published"
    if lang == "vi":
        lines.append("**Dữ liệu giải thích được:**")
        lines.append("- hạng và chỉ số của đơn vị thay đổi bao nhiêu;")
        if split_ok:
            lines.append("- hạng giảm/tăng bao nhiêu do điểm của chính đơn vị và bao nhiêu do các đơn vị khác;")
        if comp_ok:
            lines.append("- phần thay đổi chỉ số đến từ điểm thẩm định và từ điểm điều tra xã hội học;")
        if field_ok:
            lines.append("- phần thay đổi chỉ số đến từ từng lĩnh vực (kể cả do thay đổi tiêu chí phát sinh).")
        lines.append("")
        lines.append("**Dữ liệu không giải thích được:**")
        if not split_ok:
            lines.append("- phần do điểm của chính đơn vị và phần do các đơn vị khác (bảng công bố của ít nhất "
                         "một năm chưa đầy đủ: thiếu chỉ số của một số đơn vị);")
        if not comp_ok:
            lines.append("- phần của điểm thẩm định và điểm điều tra xã hội học (thiếu thành phần ở ít nhất một năm);")
        if not field_ok:
            lines.append("- phần của từng lĩnh vực, tiêu chí (bảng công bố không có điểm chi tiết);")
        if published:
            lines.append("- vì sao điểm thay đổi: cần bảng điểm chi tiết theo tiêu chí và hồ sơ thẩm định;")
            lines.append("- sai số chọn mẫu của điều tra xã hội học: số người trả lời từng bộ, tỉnh không được "
                         "công bố đầy đủ, nên khoảng tin cậy của hạng dựa trên giả định (xem mô hình);")
        else:
            lines.append("- vì sao điểm từng tiêu chí thay đổi (nội dung công việc, hồ sơ kiểm chứng);")
        if bool(r["break_between"]):
            lines.append("- so sánh trực tiếp hai năm: có thay đổi phương pháp giữa hai năm.")
        lines.append("")
        if bool(r["break_between"]):
            lines.append("**Lưu ý:** so sánh vượt qua thay đổi phương pháp (xem dòng cảnh báo ở trên).")
        elif published:
            lines.append("Không có thay đổi phương pháp đã biết giữa hai năm này.")
        else:
            lines.append("Chỉ số nội bộ: không giả định thay đổi phương pháp nào; nếu quy định chấm điểm nội bộ "
                         "thay đổi giữa hai năm, hãy khai báo qua tham số `breaks`.")
    else:
        lines.append("**What the data can explain:**")
        lines.append("- how much the unit's rank and index changed;")
        if split_ok:
            lines.append("- how many places were gained or lost through the unit's own score and through the others';")
        if comp_ok:
            lines.append("- how much of the index change came from appraisal points and from survey points;")
        if field_ok:
            lines.append("- how much of the index change came from each field (including criteria arising or not).")
        lines.append("")
        lines.append("**What it cannot explain:**")
        if not split_ok:
            lines.append("- how much of the rank change is the unit's own score and how much the others' (the "
                         "published table of at least one year is incomplete: some units' indices are missing);")
        if not comp_ok:
            lines.append("- the parts of appraisal and survey points (components missing in at least one year);")
        if not field_ok:
            lines.append("- the parts of fields and criteria (published tables have no detailed points);")
        if published:
            lines.append("- why the points changed: that needs the criterion-level scores and appraisal files;")
            lines.append("- the survey's sampling error: respondent counts per ministry/province are not fully "
                         "published, so rank intervals rest on stated assumptions (see the model);")
        else:
            lines.append("- why each criterion's points changed (the work done, the evidence files);")
        if bool(r["break_between"]):
            lines.append("- a like-for-like comparison: the methodology changed between the two years.")
        lines.append("")
        if bool(r["break_between"]):
            lines.append("**Note:** the comparison crosses a change of methodology (see the caveat above).")
        elif published:
            lines.append("No known change of methodology between these two years.")
        else:
            lines.append("Internal index: no change of methodology is assumed; if the internal scoring rules "
                         "changed between the two years, declare it with the `breaks` argument.")
    return "\n".join(lines)
