"""Reproduce the Ministry of Home Affairs' published findings from the published rows.

``data/raw/published/claims.csv`` holds published aggregate statements (national means, the
change on the year before, counts above thresholds, top and bottom, largest rise and fall, a
unit's rank change), each with its source URL and the quoted sentence. :func:`check_claims`
recomputes each statement from the published table and says ``pass``, ``fail`` or
``not computable`` (the rows needed are missing, e.g. an incomplete year).

A year is *complete* as :func:`~cchc_analysis.published.checks.year_completeness` says: the
table holds an index for as many ranked units as the source says were ranked (claim
``n_ranked``). Statements about the whole year (means, counts, top, bottom)
are only computed on complete years; a unit's rank is recomputed from the indices on a complete
year and otherwise read from the unit's published row.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..labels import check_lang, register
from ..ranking import competition_rank
from ..text import fmt_int, fmt_number, fmt_signed
from ..units import LEVELS, load_units
from .checks import year_completeness
from .load import CLAIMS_PATH, METRICS, load_claims

__all__ = [
    "CLAIMS_PATH",
    "METRICS",
    "STATUSES",
    "load_claims",
    "year_status",
    "check_claims",
    "claims_summary_text",
]

STATUSES = ("pass", "fail", "not computable")
_STATUS_TEXT = {
    "pass": {"vi": "khớp", "en": "pass"},
    "fail": {"vi": "không khớp", "en": "fail"},
    "not computable": {"vi": "không tính được", "en": "not computable"},
}
register({
    "claim": {"vi": "Nhận định đã công bố", "en": "Published claim"},
    "computed": {"vi": "Tính từ dữ liệu", "en": "Computed from the data"},
    "published": {"vi": "Giá trị công bố", "en": "Published value"},
    "status": {"vi": "Kết quả đối chiếu", "en": "Status"},
    "detail": {"vi": "Giải thích", "en": "Detail"},
})



def _ranked(data: pd.DataFrame, year: int) -> pd.DataFrame:
    g = data[(data["year"] == year)]
    if "ranked" in g.columns:
        g = g[g["ranked"].astype(bool)]
    return g


def year_status(data: pd.DataFrame, claims: pd.DataFrame | None = None) -> pd.DataFrame:
    """Whether each level × year of a published table is complete
    (:func:`~cchc_analysis.published.checks.year_completeness`, fewer columns).

    Parameters
    ----------
    data : a published table.
    claims : the published claims; default :func:`load_claims` (the bundled ``claims.csv``).

    Returns
    -------
    DataFrame with columns ``level, year, n_with_index, n_ranked_published, complete``.

    Examples
    --------
    >>> from cchc_analysis.published import load_published
    >>> year_status(load_published("ministry", years=[2022, 2023]))[["year", "complete"]].values.tolist()
    [[2022, False], [2023, True]]
    """
    if claims is None:
        claims = load_claims()
    yc = year_completeness(data, claims=claims)
    return yc[["level", "year", "n_with_index", "n_ranked_published", "complete"]]


def _fmt(v, metric: str, lang: str) -> str:
    """A claim's number for display ("" when there is none): counts and ranks as integers,
    changes with their sign, the rest with two decimals (Vietnamese decimal comma for vi)."""
    if metric.startswith("n_") or metric == "unit_rank_change":
        return fmt_int(v, lang, missing="")
    if metric in ("mean_change", "max_rise", "max_fall"):
        return fmt_signed(v, lang, 2, missing="")
    return fmt_number(v, lang, 2, missing="")


def _claim_text(c, names: dict, lang: str) -> str:
    m, y, t = c["metric"], int(c["year"]), c["threshold"]
    lvl = {"ministry": ("các bộ, cơ quan ngang bộ", "ministries"), "province": ("các tỉnh, thành phố", "provinces")}[c["level"]]
    unit = names.get(c["unit_id"], {}).get(lang, c["unit_name"]) if c["unit_id"] else ""
    cy = "" if pd.isna(c["compare_year"]) else int(c["compare_year"])
    tt = "" if np.isnan(t) else f"{t:g}"
    vi = {
        "n_ranked": f"Số đơn vị được xếp hạng năm {y} ({lvl[0]})",
        "mean": f"Giá trị trung bình Chỉ số CCHC năm {y} của {lvl[0]}",
        "mean_change": f"Thay đổi giá trị trung bình so với năm {cy}",
        "n_above_mean": f"Số đơn vị trên mức trung bình năm {y}",
        "n_above": f"Số đơn vị có chỉ số trên {tt}% năm {y}",
        "n_at_least": f"Số đơn vị có chỉ số từ {tt}% trở lên năm {y}",
        "n_below": f"Số đơn vị có chỉ số dưới {tt}% năm {y}",
        "top": f"Dẫn đầu năm {y}: {unit}",
        "bottom": f"Cuối bảng năm {y}: {unit}",
        "gap_top_bottom": f"Chênh lệch giữa đơn vị dẫn đầu và cuối bảng năm {y}",
        "n_increased": f"Số đơn vị tăng chỉ số so với năm {cy}",
        "n_decreased": f"Số đơn vị giảm chỉ số so với năm {cy}",
        "max_rise": f"Tăng nhiều nhất so với năm {cy}: {unit or '(không nêu tên)'}",
        "max_fall": f"Giảm nhiều nhất so với năm {cy}: {unit or '(không nêu tên)'}",
        "unit_rank_change": f"{unit}: từ hạng {_fmt(c['value_from'], 'n_', lang)} ({cy}) đến hạng {_fmt(c['value'], 'n_', lang)} ({y})",
    }
    en = {
        "n_ranked": f"Units ranked in {y} ({lvl[1]})",
        "mean": f"Mean PAR index of the {lvl[1]} in {y}",
        "mean_change": f"Change of the mean on {cy}",
        "n_above_mean": f"Units above the mean in {y}",
        "n_above": f"Units with an index above {tt}% in {y}",
        "n_at_least": f"Units with an index of {tt}% or more in {y}",
        "n_below": f"Units with an index below {tt}% in {y}",
        "top": f"Top in {y}: {unit}",
        "bottom": f"Bottom in {y}: {unit}",
        "gap_top_bottom": f"Gap between top and bottom in {y}",
        "n_increased": f"Units whose index rose on {cy}",
        "n_decreased": f"Units whose index fell on {cy}",
        "max_rise": f"Largest rise on {cy}: {unit or '(not named)'}",
        "max_fall": f"Largest fall on {cy}: {unit or '(not named)'}",
        "unit_rank_change": f"{unit}: from rank {_fmt(c['value_from'], 'n_', lang)} ({cy}) to rank {_fmt(c['value'], 'n_', lang)} ({y})",
    }
    return (vi if lang == "vi" else en)[m]


_DETAIL = {
    "incomplete": ("Năm {y} chưa đủ dữ liệu ({n} trên {e} đơn vị có chỉ số).",
                   "Year {y} is incomplete ({n} of {e} units with an index)."),
    "unknown_n": ("Không rõ số đơn vị được xếp hạng năm {y}.", "The number of units ranked in {y} is not known."),
    "unit_change_only": ("Thay đổi của đơn vị được nêu là {v}; chưa kiểm chứng được 'nhiều nhất' vì năm {y0} hoặc {y} chưa đủ dữ liệu.",
                         "The named unit's change is {v}; 'largest' cannot be checked because {y0} or {y} is incomplete."),
    "other_unit": ("Theo dữ liệu, đơn vị là {u} ({v}).", "In the data the unit is {u} ({v})."),
    "rank_from_rows": ("Hạng năm {ys} lấy từ dòng công bố (năm chưa đủ dữ liệu để tính lại).",
                       "Rank in {ys} read from the published row (year incomplete, not recomputed)."),
    "rank_recomputed": ("Hạng tính lại từ chỉ số của cả năm.", "Ranks recomputed from the whole year's indices."),
    "missing_unit": ("Thiếu dòng của đơn vị.", "The unit's row is missing."),
}


def _d(key, lang, **kw) -> str:
    vi, en = _DETAIL[key]
    return (vi if lang == "vi" else en).format(**kw)


def _extreme(values: pd.Series, highest: bool, claimed: str, metric: str, names: dict, lang: str):
    """The unit with the highest (lowest) value: ``(value, display, status, detail)``; status
    ``"fail"`` when the claim names another unit, else ``"not computable"`` (decided later)."""
    best = values.idxmax() if highest else values.idxmin()
    cv = values[best]
    name = names.get(best, {}).get(lang, best)
    if claimed and best != claimed:
        return cv, f"{name} {_fmt(cv, metric, lang)}", "fail", _d("other_unit", lang, u=name, v=_fmt(cv, metric, lang))
    return cv, f"{name} {_fmt(cv, metric, lang)}", "not computable", ""


def check_claims(data: pd.DataFrame, *, level: str = "ministry", year: int | None = None, lang: str = "vi",
                 claims: pd.DataFrame | None = None) -> pd.DataFrame:
    """Recompute published claims from a published table.

    Parameters
    ----------
    data : the published table of ``level`` (:func:`~cchc_analysis.published.load_published`), all
        years needed (a change on the year before needs that year too).
    level : ``"ministry"`` or ``"province"``.
    year : the claims' year (``None``: every year).
    lang : ``"vi"`` (default) or ``"en"`` for the claim text and detail.
    claims : claims table (default: :func:`load_claims`).

    Returns
    -------
    DataFrame, one row per claim: ``claim_id, year, metric, unit_id, claim, computed, published,
    source_url, status, status_text, detail, computed_value, published_value``. ``computed`` and
    ``published`` are display strings; ``*_value`` are floats (NaN if none). ``status`` is
    ``"pass"``, ``"fail"`` or ``"not computable"``.

    Examples
    --------
    >>> from cchc_analysis.published import load_published
    >>> t = check_claims(load_published("ministry"), level="ministry", year=2023)
    >>> t.set_index("metric").loc[["mean", "n_above_mean", "top"], "status"].tolist()
    ['pass', 'pass', 'pass']
    """
    check_lang(lang)
    if level not in LEVELS:
        raise ValueError(f"The value for `level` must be one of {list(LEVELS)}, but {level!r} was passed.")
    need = {"year", "unit_id", "index"}
    if not isinstance(data, pd.DataFrame) or need - set(data.columns):
        raise ValueError(f"`data` must be a published table with at least the columns {sorted(need)}.")
    if claims is None:
        claims = load_claims()
    d = data[data["level"] == level] if "level" in data.columns else data.assign(level=level)
    cl = claims[claims["level"] == level]
    if year is not None:
        cl = cl[cl["year"] == int(year)]
    status = year_status(d, claims).set_index("year") if len(d) else pd.DataFrame(
        columns=["n_with_index", "n_ranked_published", "complete"])
    u = load_units(level=level).set_index("unit_id")
    names = {i: {"vi": r["name_vi"], "en": r["name_en"]} for i, r in u.iterrows()}

    def complete(y):
        return bool(y in status.index and status.at[y, "complete"])

    def incomplete_detail(y):
        if y in status.index and not pd.isna(status.at[y, "n_ranked_published"]):
            return _d("incomplete", lang, y=y, n=int(status.at[y, "n_with_index"]), e=int(status.at[y, "n_ranked_published"]))
        if y in status.index or y not in status.index:
            n = int(status.at[y, "n_with_index"]) if y in status.index else 0
            return _d("unknown_n", lang, y=y) if n else _d("incomplete", lang, y=y, n=0, e="?")

    def idx_of(y):
        g = _ranked(d, y)
        return g.dropna(subset=["index"]).set_index("unit_id")["index"]

    rows = []
    for _, c in cl.iterrows():
        m, y, pv = c["metric"], int(c["year"]), c["value"]
        y0 = None if pd.isna(c["compare_year"]) else int(c["compare_year"])
        tol = METRICS[m]
        cv, st, det = np.nan, "not computable", ""
        comp_str = None
        if m == "n_ranked":
            n = int(_ranked(d, y)["index"].notna().sum())
            cv = float(n)
            st = "pass" if n == pv else ("fail" if n > pv else "not computable")
            if st == "not computable":
                det = _d("incomplete", lang, y=y, n=n, e=int(pv))
        elif m in ("mean", "n_above_mean", "n_above", "n_at_least", "n_below", "top", "bottom", "gap_top_bottom"):
            if not complete(y):
                det = incomplete_detail(y)
            else:
                s = idx_of(y)
                mean = s.mean()
                if m == "mean":
                    cv = mean
                elif m == "n_above_mean":
                    cv = float((s > mean).sum())
                elif m == "n_above":
                    cv = float((s > c["threshold"]).sum())
                elif m == "n_at_least":
                    cv = float((s >= c["threshold"]).sum())
                elif m == "n_below":
                    cv = float((s < c["threshold"]).sum())
                elif m == "gap_top_bottom":
                    cv = s.max() - s.min()
                else:
                    cv, comp_str, st, det = _extreme(s, m == "top", c["unit_id"], m, names, lang)
                if st != "fail":
                    st = "pass" if abs(cv - pv) <= tol + 1e-9 else "fail"
        elif m == "mean_change":
            if complete(y) and complete(y0):
                cv = idx_of(y).mean() - idx_of(y0).mean()
                st = "pass" if abs(cv - pv) <= tol + 1e-9 else "fail"
            else:
                det = incomplete_detail(y if not complete(y) else y0)
        elif m in ("n_increased", "n_decreased", "max_rise", "max_fall"):
            s1, s0 = idx_of(y), idx_of(y0)
            if complete(y) and complete(y0):
                ch = (s1 - s0).dropna()
                if m == "n_increased":
                    cv = float((ch > 0).sum())
                elif m == "n_decreased":
                    cv = float((ch < 0).sum())
                else:
                    cv, comp_str, st, det = _extreme(ch, m == "max_rise", c["unit_id"], m, names, lang)
                if st != "fail":
                    st = "pass" if abs(cv - pv) <= tol + 1e-9 else "fail"
            else:
                uid = c["unit_id"]
                if m in ("max_rise", "max_fall") and uid and uid in s1.index and uid in s0.index:
                    cv = s1[uid] - s0[uid]
                    comp_str = f"{names[uid][lang]} {_fmt(cv, m, lang)}"
                    det = _d("unit_change_only", lang, v=_fmt(cv, m, lang), y0=y0, y=y)
                else:
                    det = incomplete_detail(y if not complete(y) else y0)
        elif m == "unit_rank_change":
            uid = c["unit_id"]
            got, how = {}, []
            for yy in (y0, y):
                g = d[d["year"] == yy]
                if complete(yy):
                    s = idx_of(yy)
                    if uid in s.index:
                        got[yy] = float(pd.Series(competition_rank(s.to_numpy()), index=s.index)[uid])
                    how.append(("recomputed", yy))
                else:
                    r = g.loc[g["unit_id"] == uid, "rank"].dropna()
                    if len(r):
                        got[yy] = float(r.iloc[0])
                    how.append(("rows", yy))
            if len(got) == 2:
                cv = got[y]
                comp_str = f"{int(got[y0])} → {int(got[y])}"
                st = "pass" if (got[y] == pv and got[y0] == c["value_from"]) else "fail"
                parts = [_d("rank_recomputed", lang)] if any(h == "recomputed" for h, _ in how) else []
                rows_years = [str(yy) for h, yy in how if h == "rows"]
                if rows_years:
                    parts.append(_d("rank_from_rows", lang, ys=", ".join(rows_years)))
                det = " ".join(parts)
            else:
                det = _d("missing_unit", lang)
        if comp_str is None:
            comp_str = _fmt(cv, m, lang)
        pub_str = _fmt(pv, m, lang)
        if m in ("top", "bottom", "max_rise", "max_fall") and c["unit_id"]:
            pub_str = f"{names[c['unit_id']][lang]} {pub_str}"
        if m == "unit_rank_change":
            pub_str = f"{_fmt(c['value_from'], m, lang)} → {_fmt(pv, m, lang)}"
        rows.append({
            "claim_id": c["claim_id"], "year": y, "metric": m, "unit_id": c["unit_id"],
            "claim": _claim_text(c, names, lang), "computed": comp_str if st != "not computable" or comp_str else "",
            "published": pub_str, "source_url": c["source_url"], "status": st,
            "status_text": _STATUS_TEXT[st][lang], "detail": det,
            "computed_value": float(cv) if not (isinstance(cv, float) and np.isnan(cv)) else np.nan,
            "published_value": float(pv),
        })
    cols = ["claim_id", "year", "metric", "unit_id", "claim", "computed", "published", "source_url", "status",
            "status_text", "detail", "computed_value", "published_value"]
    return pd.DataFrame(rows, columns=cols)


def claims_summary_text(table: pd.DataFrame, *, lang: str = "vi") -> str:
    """One sentence summing up a :func:`check_claims` table, in ``lang``.

    Examples
    --------
    >>> t = pd.DataFrame({"status": ["pass", "pass", "not computable"], "year": [2023] * 3})
    >>> claims_summary_text(t, lang="en")
    '3 published claims checked: 2 pass, 0 fail, 1 not computable (data missing).'
    """
    check_lang(lang)
    n = len(table)
    k = {s: int((table["status"] == s).sum()) for s in STATUSES}
    if lang == "vi":
        return (f"Đã đối chiếu {n} nhận định đã công bố: {k['pass']} khớp, {k['fail']} không khớp, "
                f"{k['not computable']} không tính được (thiếu dữ liệu).")
    return (f"{n} published claims checked: {k['pass']} pass, {k['fail']} fail, "
            f"{k['not computable']} not computable (data missing).")
