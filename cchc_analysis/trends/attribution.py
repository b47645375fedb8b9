"""Ranking trends: trajectories, movers, why a unit moved, and how sure a rank is.

Every function takes a tidy frame, either

* a **published** table (one row per unit × year with ``index``; see
  :func:`cchc_analysis.published.load_published`: ``year, level, rank, unit_id,
  unit_name, appraisal, survey, total, index, source_url`` [+ ``ranked``]), or
* a unit-level **scores** table (one row per unit × year × criterion, as returned by
  :func:`cchc_analysis.io.read_scores`); it is recognised by its ``criterion`` and
  ``points`` columns and turned into each unit's applicable-criteria index with
  :func:`cchc_analysis.scoring.applicable_index`.

Ranks are competition ranks (1 = best, ties share the best rank) computed within each
year (and each ``level`` of a published table) over the units that are ranked: a
published row with ``ranked`` False (the two "special agencies" among the ministries)
keeps its index but gets no rank. A year without a value is a gap, never a zero.

Methodology breaks
------------------
The national PAR INDEX was redefined several times; the package table
``methodology_breaks.csv`` (see :func:`methodology_breaks`) lists the decisions with
the first assessment year each applies to (``year_from``), what changed (Vietnamese and
English) and the source URLs, taken from the project's methodology notes. Where the
first year is not stated by a source (``year_from_basis == "inferred"``) it follows
the pattern documented for 4361/QĐ-BNV (adopted on 28/12/2016, used for PAR INDEX
2016): a decision adopted at the end of a year applies to that year's assessment.
A comparison of years ``a < b`` *crosses a break* when a break has
``a < year_from <= b``; trajectories mark such years and every comparison reports a
``break_between`` flag and a note. The national breaks are applied to published
tables; a ministry's internal index (unit-level scores) has its own decisions, so for
scores data no break is assumed unless the analyst passes ``breaks=``.

Following a unit through renamings and mergers
-----------------------------------------------
``lineage=`` takes a frame with columns ``unit_id, successor_id`` (one row per unit that
was renamed or merged into another). When omitted, :mod:`cchc_analysis.units` is used
if it provides a lineage table. The lineage of a unit is the unit, its chain of
successors, and (recursively) the units that were renamed or merged into it.
"""

from __future__ import annotations

import math
from functools import lru_cache
from importlib import resources

import numpy as np
import pandas as pd

from ..labels import FIELD_NAMES, check_lang, register
from ..ranking import TIE_DECIMALS

__all__ = [
    "methodology_breaks",
    "breaks_between",
    "break_note",
    "rank_trajectory",
    "movers",
    "rank_change_attribution",
    "attribution_report",
    "rank_intervals",
    "interval_model_text",
    "load_trend_data",
    "resolve_years",
    "pick_unit",
    "DEFAULT_TRIALS",
    "DEFAULT_RESPONSE_SD",
    "DEFAULT_RESPONDENTS_UNIT",
    "DEFAULT_RESPONDENTS_PUBLISHED",
]

#: Effective number of Bernoulli trials behind one appraisal criterion (quarter-point
#: steps: a criterion is met in 0, 1, 2, 3 or 4 quarters). An assumption, not a fact.
DEFAULT_TRIALS = 4
#: Standard deviation of one survey answer on the 0..1 scale (a 5-point Likert item
#: rescaled to 0..1 typically has an SD of 0.2-0.25). An assumption, not a fact.
DEFAULT_RESPONSE_SD = 0.25
#: Respondents behind one unit's survey criteria in a ministry's internal index
#: (Nghệ An's 2021 department survey used 30 forms per department, methodology §6 [S34]).
DEFAULT_RESPONDENTS_UNIT = 30
#: Respondents behind one ministry's/province's survey points in the national index when
#: the data gives none: > 85,600 forms in 2024 over 82 assessed bodies ≈ 1,000 each
#: (*derived* from methodology §3 [S19]; the real split is not published).
DEFAULT_RESPONDENTS_PUBLISHED = 1000

register({
    "lineage_id": {"vi": "Mã đơn vị (theo dòng kế thừa)", "en": "Unit id (lineage)"},
    "observed": {"vi": "Có số liệu", "en": "Observed"},
    "n_ranked": {"vi": "Số đơn vị được xếp hạng", "en": "Units ranked"},
    "break_before": {"vi": "Thay đổi phương pháp trước năm này", "en": "Methodology break before"},
    "break_decision": {"vi": "Quyết định thay đổi phương pháp", "en": "Methodology decision"},
    "break_between": {"vi": "Có thay đổi phương pháp giữa hai năm", "en": "Methodology break between"},
    "position": {"vi": "Thứ tự", "en": "Position"},
    "rank_from": {"vi": "Hạng năm đầu", "en": "Rank (from)"},
    "rank_to": {"vi": "Hạng năm sau", "en": "Rank (to)"},
    "places_gained": {"vi": "Số bậc tăng (+) / giảm (−)", "en": "Places gained (+) / lost (−)"},
    "index_from": {"vi": "Chỉ số năm đầu", "en": "Index (from)"},
    "index_to": {"vi": "Chỉ số năm sau", "en": "Index (to)"},
    "index_change": {"vi": "Thay đổi chỉ số", "en": "Index change"},
    "year_from": {"vi": "Năm đầu", "en": "Year from"},
    "year_to": {"vi": "Năm sau", "en": "Year to"},
    "group": {"vi": "Nhóm", "en": "Group"},
    "value": {"vi": "Giá trị", "en": "Value"},
    "measure": {"vi": "Đơn vị đo", "en": "Measure"},
    "computable": {"vi": "Tính được", "en": "Computable"},
    "sentence_vi": {"vi": "Diễn giải", "en": "Explanation (vi)"},
    "sentence_en": {"vi": "Diễn giải (tiếng Anh)", "en": "Explanation"},
    "rank_lo": {"vi": "Hạng (cận trên)", "en": "Rank (best plausible)"},
    "rank_hi": {"vi": "Hạng (cận dưới)", "en": "Rank (worst plausible)"},
    "rank_median": {"vi": "Hạng trung vị", "en": "Median rank"},
    "p_top_k": {"vi": "Xác suất trong nhóm đầu", "en": "P(top k)"},
    "top_k": {"vi": "k (nhóm đầu)", "en": "k (top)"},
    "band": {"vi": "Nhóm hạng không phân biệt được", "en": "Rank band"},
    "p_above_next": {"vi": "P(trên đơn vị kế tiếp)", "en": "P(above next unit)"},
})


# --------------------------------------------------------------------------------------
# methodology breaks


@lru_cache(maxsize=1)
def _breaks_table() -> pd.DataFrame:
    with resources.files("cchc_analysis.trends").joinpath("methodology_breaks.csv").open("r", encoding="utf-8") as fh:
        df = pd.read_csv(fh, dtype={"decision": str, "date": str, "level": str})
    df["year_from"] = df["year_from"].astype("int64")
    return df


def methodology_breaks(*, level: str | None = None) -> pd.DataFrame:
    """The documented redefinitions of the national PAR INDEX, one row per decision.

    Parameters
    ----------
    level : {"ministry", "province"} or None
        Keep the decisions that apply to this level (all of them apply to both so far).

    Returns
    -------
    DataFrame
        ``year_from`` (first assessment year under the decision), ``decision``,
        ``date`` (ISO), ``level``, ``year_from_basis`` (``documented`` by a source, or
        ``inferred`` from the end-of-year adoption pattern), ``survey_points_ministry``,
        ``survey_points_province`` (the survey's share of the 100 points where a source
        gives it, else NaN), ``what_changed_vi``, ``what_changed_en``, ``source_url``
        (one or more URLs separated by ``" | "``).

    Examples
    --------
    >>> b = methodology_breaks()
    >>> b.loc[b["year_from"] == 2022, ["decision", "survey_points_ministry"]].values.tolist()
    [['876/QĐ-BNV', 31.5]]
    >>> sorted(methodology_breaks()["year_from"])[:3]
    [2012, 2016, 2017]
    """
    if level not in (None, "ministry", "province"):
        raise ValueError(f"The value for `level` must be one of [None, 'ministry', 'province'], but {level!r} was passed.")
    df = _breaks_table().copy()
    if level is not None:
        df = df[df["level"].isin(["all", level])].reset_index(drop=True)
    return df


def _check_breaks(breaks) -> pd.DataFrame:
    if breaks is None:
        return methodology_breaks()
    if not isinstance(breaks, pd.DataFrame) or "year_from" not in breaks.columns:
        raise ValueError("`breaks` must be a DataFrame with at least a `year_from` column "
                         "(and ideally `decision`, `what_changed_vi`, `what_changed_en`).")
    return breaks


def breaks_between(year_from: int, year_to: int, *, level: str | None = None, breaks=None) -> pd.DataFrame:
    """The methodology breaks a comparison of ``year_from`` with ``year_to`` crosses.

    A break with first year ``y`` is crossed when ``min(a, b) < y <= max(a, b)``.

    Examples
    --------
    >>> breaks_between(2021, 2023)["decision"].tolist()
    ['876/QĐ-BNV']
    >>> breaks_between(2022, 2023).empty
    True
    """
    b = _check_breaks(breaks)
    if level is not None and "level" in b.columns:
        b = b[b["level"].isin(["all", level])]
    lo, hi = sorted((int(year_from), int(year_to)))
    return b[(b["year_from"] > lo) & (b["year_from"] <= hi)].reset_index(drop=True)


def break_note(year_from: int, year_to: int, *, level: str | None = None, breaks=None, lang: str = "vi") -> str:
    """One sentence saying whether a comparison crosses a methodology break ('' if not).

    Examples
    --------
    >>> print(break_note(2021, 2022, lang="en"))  # doctest: +ELLIPSIS
    The comparison 2021 → 2022 crosses a change of methodology: 876/QĐ-BNV (from 2022): Scheme for 2022–2030...
    >>> break_note(2022, 2023)
    ''
    """
    check_lang(lang)
    b = breaks_between(year_from, year_to, level=level, breaks=breaks)
    if b.empty:
        return ""
    col = f"what_changed_{lang}"
    items = []
    for _, r in b.iterrows():
        what = r[col] if col in b.columns and isinstance(r.get(col), str) else ""
        dec = r["decision"] if "decision" in b.columns else "?"
        start = "từ" if lang == "vi" else "from"
        items.append(f"{dec} ({start} {int(r['year_from'])}): {what}".rstrip(": "))
    if lang == "vi":
        return (f"So sánh {year_from} → {year_to} vượt qua thay đổi phương pháp: " + "; ".join(items)
                + " Điểm và hạng hai năm không hoàn toàn so sánh được.")
    return (f"The comparison {year_from} → {year_to} crosses a change of methodology: " + "; ".join(items)
            + " Scores and ranks of the two years are not fully comparable.")


# --------------------------------------------------------------------------------------
# input handling


def _is_scores(data: pd.DataFrame) -> bool:
    return {"criterion", "points"} <= set(data.columns)


def _round(x):
    return np.round(np.asarray(x, dtype=float), TIE_DECIMALS)


def _competition_rank(values: np.ndarray) -> np.ndarray:
    """1 + number of strictly larger values (NaN -> NaN)."""
    v = _round(values)
    out = np.full(len(v), np.nan)
    ok = ~np.isnan(v)
    vv = v[ok]
    s = np.sort(vv)
    out[ok] = 1 + len(vv) - np.searchsorted(s, vv, side="right")
    return out


def _unit_table(data: pd.DataFrame, *, level: str | None = None) -> pd.DataFrame:
    """One row per unit × year: ``year, _grp, unit_id, unit_name, index, ranked,
    rank_calc, rank, n_ranked`` (+ ``appraisal, survey, total``), with ``attrs['kind']``."""
    if not isinstance(data, pd.DataFrame):
        raise ValueError("`data` must be a pandas DataFrame (a published table or a scores table).")
    if _is_scores(data):
        from ..scoring import applicable_index

        t = applicable_index(data, level="total")
        keep = ["year", "unit_id", "index", "points", "max_points"] + [c for c in ("unit_name",) if c in t.columns]
        t = t[keep].copy()
        t["_grp"] = "all"
        t["ranked"] = True
        kind = "scores"
    else:
        need = [c for c in ("year", "unit_id", "index") if c not in data.columns]
        if need:
            raise ValueError(
                f"`data` lacks the column(s) {need}: pass a published table (year, unit_id, index, ...) "
                "or a scores table (year, unit_id, criterion, points, ...)."
            )
        t = data.copy()
        if level is not None and "level" in t.columns:
            t = t[t["level"] == level]
        t["_grp"] = t["level"].astype(str) if "level" in t.columns else "all"
        if "ranked" not in t.columns:
            t["ranked"] = True
        t["ranked"] = t["ranked"].fillna(True).astype(bool)
        kind = "published"
        if t.duplicated(["year", "_grp", "unit_id"]).any():
            d = t.loc[t.duplicated(["year", "_grp", "unit_id"], keep=False), ["year", "unit_id"]].iloc[0]
            raise ValueError(f"`data` has more than one row for unit {d['unit_id']!r} in {int(d['year'])}.")
    if "unit_name" not in t.columns:
        t["unit_name"] = t["unit_id"]
    t["year"] = t["year"].astype("int64")
    t["index"] = t["index"].astype(float)
    t["unit_id"] = t["unit_id"].astype(str)
    rank_calc = np.full(len(t), np.nan)
    n_ranked = np.zeros(len(t), dtype=np.int64)
    pos = np.arange(len(t))
    for _, idx in t.groupby(["year", "_grp"], sort=False).indices.items():
        ok = t["ranked"].to_numpy()[idx] & t["index"].notna().to_numpy()[idx]
        vals = np.where(ok, t["index"].to_numpy()[idx], np.nan)
        rank_calc[pos[idx]] = _competition_rank(vals)
        n_ranked[pos[idx]] = ok.sum()
    t["rank_calc"] = pd.array(np.where(np.isnan(rank_calc), pd.NA, rank_calc), dtype="Int64")
    t["n_ranked"] = n_ranked
    complete = np.ones(len(t), dtype=bool)
    if kind == "published":
        status = _coverage_status(t)
        pub = pd.to_numeric(t["rank"], errors="coerce") if "rank" in t.columns else pd.Series(np.nan, index=t.index)
        calc = t["rank_calc"].astype("Float64")
        for (yr, grp), idx in t.groupby(["year", "_grp"], sort=False).indices.items():
            ranked = t["ranked"].to_numpy()[idx]
            has_idx = t["index"].notna().to_numpy()[idx]
            pr = pub.to_numpy(dtype=float, na_value=np.nan)[idx]
            rc = calc.to_numpy(dtype=float, na_value=np.nan)[idx]
            r = ranked & has_idx
            ok = not (ranked & ~has_idx).any()  # a ranked unit without its index: its score is unknown
            given = r & ~np.isnan(pr)
            ok = ok and bool(np.all(pr[given] == rc[given]))  # published ranks = ranks among the rows here
            ok = ok and not (np.nanmax(pr, initial=0) > r.sum())
            ok = ok and status.get((str(grp), int(yr)), "complete") != "partial"
            complete[idx] = ok
        t["rank"] = pd.array(pub.where(pub.notna(), calc.where(pd.Series(complete, index=t.index))),
                             dtype="Int64")
    else:
        t["rank"] = t["rank_calc"]
    t["year_complete"] = complete
    t = t.reset_index(drop=True)
    t.attrs["kind"] = kind
    return t


def _coverage_status(t: pd.DataFrame) -> dict:
    """(level, year) -> "complete" | "partial" from cchc_analysis.published.coverage, when it runs."""
    if "level" not in t.columns:
        return {}
    try:
        from ..published import coverage

        cov = coverage(t)
        return {(str(r.level), int(r.year)): str(r.status) for r in cov.itertuples()}
    except Exception:  # noqa: BLE001 - optional: the generic checks still apply
        return {}


def _lineage_map(lineage) -> dict[str, str]:
    """unit_id -> successor_id from a frame, or from cchc_analysis.units when available."""
    if lineage is None:
        try:
            from .. import units as _units  # optional module (another helper's)
        except Exception:  # pragma: no cover - depends on the module existing
            return {}
        for name in ("lineage_table", "lineage", "load_lineage", "load_units"):
            fn = getattr(_units, name, None)
            if callable(fn):
                try:
                    frame = fn()
                except TypeError:  # pragma: no cover
                    continue
                if isinstance(frame, pd.DataFrame) and {"unit_id", "successor_id"} <= set(frame.columns):
                    lineage = frame
                    break
        if lineage is None:
            return {}
    if not isinstance(lineage, pd.DataFrame) or not {"unit_id", "successor_id"} <= set(lineage.columns):
        raise ValueError("`lineage` must be a DataFrame with columns `unit_id` and `successor_id`.")
    lin = lineage.dropna(subset=["successor_id"])
    lin = lin[lin["successor_id"].astype(str).str.len() > 0]
    return dict(zip(lin["unit_id"].astype(str), lin["successor_id"].astype(str)))


def _lineage_members(unit: str, succ: dict[str, str]) -> list[str]:
    """The unit, its successors (forward chain) and its predecessors (recursively)."""
    members = [unit]
    seen = {unit}
    cur = unit
    while cur in succ and succ[cur] not in seen:  # forward chain
        cur = succ[cur]
        members.append(cur)
        seen.add(cur)
    preds: dict[str, list[str]] = {}
    for a, b in succ.items():
        preds.setdefault(b, []).append(a)
    stack = [unit]
    while stack:  # backward
        u = stack.pop()
        for p in preds.get(u, []):
            if p not in seen:
                seen.add(p)
                members.append(p)
                stack.append(p)
    return members


def _forward_chain(unit: str, succ: dict[str, str]) -> list[str]:
    chain, seen, cur = [], {unit}, unit
    while cur in succ and succ[cur] not in seen:
        cur = succ[cur]
        chain.append(cur)
        seen.add(cur)
    return chain


def _lineage_rows(t: pd.DataFrame, unit: str, succ: dict[str, str]) -> pd.DataFrame:
    """Rows of ``t`` that stand for ``unit`` over time.

    The unit's own rows always; its predecessors' rows only for years before the unit's
    first observed year; each successor's rows only for years after the last year
    covered so far (a successor that existed alongside, e.g. a ministry that absorbed
    this one, does not stand in for it while both existed).
    """
    has = t["index"].notna() | t["rank"].notna()
    own = t[(t["unit_id"] == unit) & has]
    first = own["year"].min() if len(own) else np.inf
    last = own["year"].max() if len(own) else -np.inf
    preds = [m for m in _lineage_members(unit, succ) if m != unit and m not in _forward_chain(unit, succ)]
    parts = [own]
    if preds:
        p = t[t["unit_id"].isin(preds) & has & (t["year"] < first)]
        parts.append(p)
        if len(own) == 0 and len(p):
            last = p["year"].max()
    for s_id in _forward_chain(unit, succ):
        srows = t[(t["unit_id"] == s_id) & has & (t["year"] > last)]
        parts.append(srows)
        if len(srows):
            last = srows["year"].max()
    return pd.concat(parts).sort_values(["year", "unit_id"], kind="mergesort")


# --------------------------------------------------------------------------------------
# trajectories and movers


def rank_trajectory(data: pd.DataFrame, *, units=None, lineage=None, level: str | None = None,
                    breaks=None) -> pd.DataFrame:
    """Rank and index of each unit in each year, gaps and methodology breaks marked.

    Parameters
    ----------
    data : published table or scores table (see the module docstring).
    units : unit id or list of unit ids to follow (default: every unit as it is).
        A requested unit is followed through its lineage (renamings and mergers):
        rows of its predecessors and successors are included under its ``lineage_id``.
    lineage : DataFrame ``unit_id, successor_id`` (default: from :mod:`cchc_analysis.units`
        if available).
    level : keep one level of a published table (``"ministry"`` or ``"province"``).
    breaks : methodology breaks table (default: the national breaks for published
        tables, none for unit-level scores).

    Returns
    -------
    DataFrame
        ``lineage_id, year, unit_id, unit_name, [level], index, rank, n_ranked,
        year_complete, observed, break_before, break_decision``, one row per lineage and
        year of the data's span. A year without a value has ``observed`` False, ``index``
        NaN and no rank (a gap, not a zero). On published tables ``rank`` is the
        published rank where given (else recomputed, only in complete years) and
        ``year_complete`` is False when the year's table lacks units (ranks beyond the
        rows present, a ranked unit without its index, or ``published.coverage`` says
        partial); ``n_ranked`` counts the ranked rows present. ``break_before`` is True when a methodology break took
        effect after the lineage's previous year in the span and up to this year.

    Examples
    --------
    >>> pub = pd.DataFrame({"year": [2021, 2021, 2022, 2023, 2023],
    ...                     "unit_id": ["a", "b", "b", "a", "b"],
    ...                     "index": [80.0, 85.0, 86.0, 90.0, 84.0]})
    >>> t = rank_trajectory(pub, units="a")
    >>> t[["year", "index", "rank", "observed", "break_before"]]
       year  index  rank  observed  break_before
    0  2021   80.0     2      True         False
    1  2022    NaN  <NA>     False          True
    2  2023   90.0     1      True         False
    """
    t = _unit_table(data, level=level)
    kind = t.attrs["kind"]
    brk = (_check_breaks(breaks) if (breaks is not None or kind == "published") else None)
    succ = _lineage_map(lineage)
    if units is None:
        t["lineage_id"] = t["unit_id"]
        sel = t
    else:
        ulist = [units] if isinstance(units, str) else list(units)
        known = set(t["unit_id"])
        parts = []
        for u in ulist:
            members = _lineage_members(str(u), succ)
            if not known.intersection(members):
                raise ValueError(f"unit {u!r} is not in the data (nor any unit of its lineage); "
                                 f"some ids present: {sorted(known)[:8]}")
            p = _lineage_rows(t, str(u), succ).copy()
            p["lineage_id"] = str(u)
            parts.append(p)
        sel = pd.concat(parts, ignore_index=True)
    years = np.sort(t["year"].unique())
    # full grid per lineage (and group): gaps as explicit rows
    grid_rows = []
    for (lid, grp), g in sel.groupby(["lineage_id", "_grp"], sort=True):
        have = set(g["year"])
        for y in years:
            if y not in have:
                grid_rows.append({"lineage_id": lid, "_grp": grp, "year": int(y)})
    out = sel.copy()
    out["observed"] = out["index"].notna() | out["rank"].notna()
    if grid_rows:
        gaps = pd.DataFrame(grid_rows)
        names = sel.drop_duplicates("lineage_id").set_index("lineage_id")
        gaps["unit_id"] = gaps["lineage_id"].map(names["unit_id"])
        gaps["unit_name"] = gaps["lineage_id"].map(names["unit_name"])
        gaps["index"] = np.nan
        gaps["n_ranked"] = 0
        gaps["observed"] = False
        yc = t.groupby("year")["year_complete"].all()
        gaps["year_complete"] = gaps["year"].map(yc).fillna(True).astype(bool)
        out = pd.concat([out, gaps], ignore_index=True)
    out["rank"] = pd.array(out["rank"], dtype="Int64")
    out = out.sort_values(["lineage_id", "_grp", "year", "unit_id"], kind="mergesort").reset_index(drop=True)
    bb = np.zeros(len(out), dtype=bool)
    bd = np.full(len(out), None, dtype=object)
    if brk is not None and len(brk):
        ys = out["year"].to_numpy()
        prev_year = {y: (years[i - 1] if i > 0 else y - 1) for i, y in enumerate(years)}
        bys = brk["year_from"].to_numpy()
        for i, y in enumerate(ys):
            hit = brk[(bys > prev_year[y]) & (bys <= y)]
            if len(hit):
                bb[i] = True
                bd[i] = "; ".join(hit["decision"].astype(str)) if "decision" in hit.columns else "?"
    out["break_before"] = bb
    out["break_decision"] = pd.Series(bd, dtype=object)
    cols = ["lineage_id", "year", "unit_id", "unit_name"]
    if "level" in data.columns and not _is_scores(data):
        out["level"] = out["_grp"]
        cols.append("level")
    cols += ["index", "rank", "n_ranked", "year_complete", "observed", "break_before", "break_decision"]
    res = out[cols].reset_index(drop=True)
    res.attrs["kind"] = kind
    return res


def _one_level(t: pd.DataFrame, level) -> pd.DataFrame:
    grps = t["_grp"].unique()
    if len(grps) > 1:
        raise ValueError(f"`data` holds several levels {sorted(grps)}; pass `level=` to choose one.")
    return t


def _year_pair_table(data, *, year_from, year_to, lineage, level):
    t = _one_level(_unit_table(data, level=level), level)
    years = set(t["year"])
    for name, y in (("year_from", year_from), ("year_to", year_to)):
        if int(y) not in years:
            raise ValueError(f"`{name}`={y} is not a year of the data; years present: {sorted(years)}.")
    succ = _lineage_map(lineage)
    a = t[t["year"] == int(year_from)].copy()
    b = t[t["year"] == int(year_to)].copy()
    # a renamed unit (one predecessor, successor present in year_to only) is the same unit
    ids_b = set(b["unit_id"])
    ids_a = set(a["unit_id"])
    pred_count: dict[str, int] = {}
    for s in succ.values():
        pred_count[s] = pred_count.get(s, 0) + 1
    key = []
    for u in a["unit_id"]:
        cur, seen = u, {u}
        while cur not in ids_b and cur in succ and succ[cur] not in seen and pred_count.get(succ[cur], 0) == 1:
            cur = succ[cur]
            seen.add(cur)
        key.append(cur if (cur in ids_b and cur not in ids_a) or cur == u else u)
    a["_key"] = key
    b["_key"] = b["unit_id"]
    return t, a, b


def movers(data: pd.DataFrame, *, year_from: int, year_to: int, top: int = 5, lineage=None,
           level: str | None = None, breaks=None) -> pd.DataFrame:
    """The largest rises and falls in rank and in index between two years.

    Parameters
    ----------
    data : published table or scores table.
    year_from, year_to : the two years compared.
    top : how many units per list.
    lineage, level, breaks : as in :func:`rank_trajectory`.

    Returns
    -------
    DataFrame
        ``kind`` (``rank_rise``, ``rank_fall``, ``index_rise``, ``index_fall``),
        ``position`` (1 = largest), ``unit_id, unit_name, rank_from, rank_to,
        places_gained`` (rank_from − rank_to: positive = moved up), ``index_from,
        index_to, index_change, break_between, note_vi, note_en`` (notes on a
        methodology break or an incomplete year). Only units ranked in both years enter
        the rank lists (published ranks where given); ties are ordered by unit id. A
        rise list holds only positive changes and a fall list only negative ones.

    Examples
    --------
    >>> pub = pd.DataFrame({"year": [2022] * 3 + [2023] * 3, "unit_id": list("abcabc"),
    ...                     "index": [90.0, 80.0, 70.0, 75.0, 85.0, 72.0]})
    >>> m = movers(pub, year_from=2022, year_to=2023, top=1)
    >>> m[["kind", "unit_id", "places_gained", "index_change"]]
             kind unit_id  places_gained  index_change
    0   rank_rise       b              1           5.0
    1   rank_fall       a             -1         -15.0
    2  index_rise       b              1           5.0
    3  index_fall       a             -1         -15.0
    """
    if not isinstance(top, (int, np.integer)) or top < 1:
        raise ValueError(f"`top` must be a positive integer, but {top!r} was passed.")
    t, a, b = _year_pair_table(data, year_from=year_from, year_to=year_to, lineage=lineage, level=level)
    m = a[["_key", "unit_id", "rank", "index"]].merge(
        b[["_key", "unit_id", "unit_name", "rank", "index"]], on="_key", suffixes=("_from", "_to"))
    m = m.rename(columns={"unit_id_to": "unit_id"})
    m["places_gained"] = (m["rank_from"] - m["rank_to"]).astype("Int64")
    m["index_change"] = m["index_to"] - m["index_from"]
    kind = t.attrs["kind"]
    brk = _check_breaks(breaks) if (breaks is not None or kind == "published") else None
    lvl = t["_grp"].iloc[0] if len(t) and t["_grp"].iloc[0] in ("ministry", "province") else None
    crossing = brk is not None and not breaks_between(year_from, year_to, level=lvl, breaks=brk).empty
    notes = {lang: ([break_note(year_from, year_to, level=lvl, breaks=brk, lang=lang)] if crossing else [])
             for lang in ("vi", "en")}
    partial = [y for y, x in ((year_from, a), (year_to, b)) if not x["year_complete"].all()]
    if partial:
        ys = ", ".join(str(y) for y in partial)
        notes["vi"].append(f"Bảng năm {ys} chưa đầy đủ: chỉ so sánh các đơn vị có trong cả hai năm, "
                           "danh sách có thể thiếu đơn vị tăng/giảm nhiều hơn.")
        notes["en"].append(f"The table of {ys} is incomplete: only units present in both years are compared; "
                           "larger movers may be missing.")
    lists = []
    specs = [("rank_rise", "places_gained", False, 1), ("rank_fall", "places_gained", True, -1),
             ("index_rise", "index_change", False, 1), ("index_fall", "index_change", True, -1)]
    for name, col, asc, sign in specs:
        x = m.dropna(subset=[col]).copy()
        x = x[(x[col].astype(float) * sign) > 0]
        x = x.sort_values([col, "unit_id"], ascending=[asc, True], kind="mergesort").head(top)
        x.insert(0, "position", np.arange(1, len(x) + 1))
        x.insert(0, "kind", name)
        lists.append(x)
    out = pd.concat(lists, ignore_index=True)
    out["break_between"] = crossing
    out["note_vi"] = " ".join(notes["vi"])
    out["note_en"] = " ".join(notes["en"])
    cols = ["kind", "position", "unit_id", "unit_name", "rank_from", "rank_to", "places_gained",
            "index_from", "index_to", "index_change", "break_between", "note_vi", "note_en"]
    return out[cols].reset_index(drop=True)


# --------------------------------------------------------------------------------------
# attribution


def _fmt(x: float, lang: str, decimals: int = 2) -> str:
    """Display formatting only: Vietnamese uses a decimal comma."""
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return "?"
    s = f"{x:.{decimals}f}"
    if "." in s:
        s = s.rstrip("0").rstrip(".")
    if s in ("-0", ""):
        s = "0"
    return s.replace(".", ",") if lang == "vi" else s


def _signed(x: float, lang: str, decimals: int = 2) -> str:
    s = _fmt(abs(x), lang, decimals)
    if s == "0":
        return "0"
    return ("+" if x > 0 else "−") + s


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


def _shapley_ratio(p0, m0, p1, m1) -> np.ndarray:
    """Shapley value of each group for v(S) = 100·(ΣS p1 + ΣS' p0)/(ΣS m1 + ΣS' m0).

    Players are groups switching from year_from values (p0, m0) to year_to values;
    the parts sum exactly to v(all) − v(none).
    """
    p0, m0, p1, m1 = (np.asarray(x, dtype=float) for x in (p0, m0, p1, m1))
    n = len(p0)
    if n == 0:
        return np.zeros(0)
    if n > 16:
        raise ValueError(f"too many groups for an exact Shapley split ({n} > 16).")
    masks = ((np.arange(2 ** n)[:, None] >> np.arange(n)) & 1).astype(bool)
    num = masks @ p1 + (~masks) @ p0
    den = masks @ m1 + (~masks) @ m0
    with np.errstate(invalid="ignore", divide="ignore"):
        v = np.where(den > 0, 100.0 * num / np.where(den > 0, den, 1.0), np.nan)
    size = masks.sum(axis=1)
    w = np.array([math.factorial(s) * math.factorial(n - s - 1) / math.factorial(n) if s < n else 0.0
                  for s in range(n + 1)])
    phi = np.zeros(n)
    ids = np.arange(2 ** n)
    for f in range(n):
        without = ids[~masks[:, f]]
        phi[f] = np.sum(w[size[without]] * (v[without | (1 << f)] - v[without]))
    return phi


def _rank_against(score: float, others: np.ndarray) -> int:
    o = _round(others)
    o = o[~np.isnan(o)]
    return int(1 + np.sum(o > _round(score)))


def _field_label(f: str, lang: str) -> str:
    name = FIELD_NAMES.get(str(f), {}).get(lang)
    if lang == "vi":
        return f"Lĩnh vực {f}" + (f" ({name})" if name else "")
    return f"Field {f}" + (f" ({name})" if name else "")


def rank_change_attribution(data: pd.DataFrame, *, unit: str, year_from: int, year_to: int,
                            lineage=None, level: str | None = None, breaks=None) -> pd.DataFrame:
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
    lineage, level, breaks : as in :func:`rank_trajectory`.

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
    check_cols = set(data.columns)
    if level is None and "level" in check_cols and not _is_scores(data) and data["level"].nunique() > 1:
        lv = data.loc[data["unit_id"].astype(str) == str(unit), "level"].dropna().unique()
        if len(lv) == 1:
            level = str(lv[0])  # the unit's own level
    t, a, b = _year_pair_table(data, year_from=year_from, year_to=year_to, lineage=lineage, level=level)
    kind = t.attrs["kind"]
    succ = _lineage_map(lineage)
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
            phi = _shapley_ratio(col0("_p", year_from), col0("_m", year_from), col0("_p", year_to), col0("_m", year_to))
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


# --------------------------------------------------------------------------------------
# rank intervals


def _survey_max_for(year: int, level: str | None) -> float:
    b = _breaks_table()
    b = b[b["year_from"] <= year].sort_values("year_from")
    col = "survey_points_province" if level == "province" else "survey_points_ministry"
    if b.empty or pd.isna(b[col].iloc[-1]):
        return np.nan
    return float(b[col].iloc[-1])


def _ranks_per_draw(x: np.ndarray) -> np.ndarray:
    """Competition ranks (1 = highest) of each row of ``x`` (draws × units), NaN-free."""
    d, u = x.shape
    xr = np.round(x, TIE_DECIMALS)
    s = np.sort(xr, axis=1)
    span = float(np.nanmax(np.abs(xr))) * 2 + 1.0 if xr.size else 1.0
    off = (np.arange(d, dtype=float) * span)[:, None]
    pos = np.searchsorted((s + off).ravel(), (xr + off).ravel(), side="right").reshape(d, u)
    count_le = pos - (np.arange(d) * u)[:, None]
    return (u + 1 - count_le).astype(np.int32)


def _padded(groups: np.ndarray, n_groups: int, *arrays, fill=0.0):
    """Scatter per-row values into (n_groups, K) arrays padded with ``fill``."""
    order = np.argsort(groups, kind="stable")
    g = groups[order]
    counts = np.bincount(g, minlength=n_groups)
    k = int(counts.max()) if len(counts) and counts.max() > 0 else 0
    starts = np.concatenate([[0], np.cumsum(counts)[:-1]])
    col = np.arange(len(g)) - starts[g]
    outs = []
    for a in arrays:
        a = np.asarray(a)[order]
        shape = (n_groups, k) + a.shape[1:]
        o = np.full(shape, fill, dtype=a.dtype if a.dtype.kind == "f" else float)
        o[g, col] = a
        outs.append(o)
    return outs


def _simulate_scores(sc: pd.DataFrame, unit_ids: np.ndarray, *, n_draws, rng, trials, respondents,
                     response_sd, chunk_elems=4_000_000) -> np.ndarray:
    """Index draws (n_draws × units) under the criterion-level model."""
    uidx = pd.Index(unit_ids).get_indexer(sc["unit_id"].astype(str))
    app = sc["applicable"].to_numpy(bool)
    M = sc["max_points"].to_numpy(float)
    P = np.where(app, sc["points"].to_numpy(float), 0.0)
    Mapp = np.where(app, M, 0.0)
    U = len(unit_ids)
    tot_max = np.bincount(uidx, weights=Mapp, minlength=U)
    rate = np.divide(P, M, out=np.zeros_like(P), where=M > 0)
    is_survey = (sc["component"].astype(str).to_numpy() == "survey") if "component" in sc.columns else np.zeros(len(sc), bool)
    n_resp = np.broadcast_to(np.asarray(respondents, dtype=float), len(sc)) if np.ndim(respondents) else np.full(len(sc), float(respondents))
    sd_s = np.where(is_survey & (n_resp > 0), response_sd / np.sqrt(np.where(n_resp > 0, n_resp, 1.0)), 0.0)
    stoch_a = app & ~is_survey & (rate > 0) & (rate < 1) & np.isfinite(trials) & (trials > 0)
    stoch_s = app & is_survey & (sd_s > 0)
    base = np.bincount(uidx, weights=np.where(stoch_a | stoch_s, 0.0, P), minlength=U)
    out = np.empty((n_draws, U))
    # appraisal: Binomial(m, rate)/m by inverse CDF on one 16-bit uniform (exact up to rounding
    # the CDF to multiples of 2^-16, i.e. < 1.6e-5 per probability) for m <= 8;
    # larger m: normal approximation with the binomial's SD, clipped to [0, 1]
    exact = np.isfinite(trials) and trials <= 8
    ia = np.flatnonzero(stoch_a)
    if len(ia):
        if exact:
            from scipy.stats import binom

            m = int(round(trials))
            cdf = np.stack([binom.cdf(j, m, rate[ia]) for j in range(m)], axis=-1)
            # thresholds on a 16-bit uniform: K = #{j : u >= round(F(j)·2^16)}
            thr = np.clip(np.round(cdf * 65536.0), 0, 65535)
            (Wa, Ca) = _padded(uidx[ia], U, (M[ia] / m).astype(np.float32), thr, fill=0.0)
            Ca = Ca.astype(np.uint16)  # padding has weight 0, its K does not matter
        else:
            (Wa, Ra, Sa) = _padded(uidx[ia], U, M[ia].astype(np.float32), rate[ia].astype(np.float32),
                                   np.sqrt(rate[ia] * (1 - rate[ia]) / trials).astype(np.float32))
    iS = np.flatnonzero(stoch_s)
    if len(iS):
        (Ws, Rs, Ss) = _padded(uidx[iS], U, M[iS].astype(np.float32), rate[iS].astype(np.float32),
                               sd_s[iS].astype(np.float32))
    width = max((Wa.shape[1] * (int(round(trials)) if exact else 1)) if len(ia) else 0,
                Ws.shape[1] if len(iS) else 0, 1)
    step = max(1, min(n_draws, chunk_elems // max(1, U * width)))
    for s0 in range(0, n_draws, step):
        d = min(step, n_draws - s0)
        pts = np.broadcast_to(base, (d, U)).copy()
        if len(ia):
            if exact:
                nbytes = 2 * d * Wa.shape[0] * Wa.shape[1]
                u = np.frombuffer(rng.bytes(nbytes), dtype=np.uint16).reshape((d,) + Wa.shape)
                k = (u >= Ca[..., 0]).view(np.uint8)
                for j in range(1, Ca.shape[-1]):
                    k += (u >= Ca[..., j]).view(np.uint8)
                pts += np.einsum("duk,uk->du", k.astype(np.float32), Wa)
            else:
                z = rng.standard_normal((d,) + Wa.shape, dtype=np.float32)
                pts += np.einsum("duk,uk->du", np.clip(Ra + Sa * z, 0, 1), Wa)
        if len(iS):
            z = rng.standard_normal((d,) + Ws.shape, dtype=np.float32)
            pts += np.einsum("duk,uk->du", np.clip(Rs + Ss * z, 0, 1), Ws)
        with np.errstate(invalid="ignore", divide="ignore"):
            out[s0:s0 + d] = 100.0 * pts / tot_max
    return out


def _mogstad_sets(draws: np.ndarray, est: np.ndarray, level: float) -> tuple[np.ndarray, np.ndarray]:
    """Marginal rank confidence sets (Mogstad et al. 2024) from parametric-bootstrap draws."""
    n, p = draws.shape
    lo = np.empty(p, dtype=int)
    hi = np.empty(p, dtype=int)
    dev = draws - est[None, :]
    for j in range(p):
        d = dev - dev[:, [j]]  # (Δ*_kj − Δ̂_kj) for every k
        se = d.std(axis=0)
        noisy = se > 1e-12
        noisy[j] = False
        delta = est - est[j]
        if noisy.any():
            t = np.abs(d[:, noisy] / se[noisy]).max(axis=1)
            c = float(np.quantile(t, level))
        else:
            c = 0.0
        low = np.where(noisy, delta - c * se, delta)
        up = np.where(noisy, delta + c * se, delta)
        low[j], up[j] = 0.0, 0.0
        above = np.sum(np.round(low, TIE_DECIMALS) > 0)
        below = np.sum(np.round(up, TIE_DECIMALS) < 0)
        lo[j] = 1 + above
        hi[j] = p - below
    return lo, hi


def rank_intervals(scores: pd.DataFrame, *, n_draws: int = 10_000, level: float = 0.90, seed: int = 0,
                   top_k: int = 3, year: int | None = None, trials: float = DEFAULT_TRIALS,
                   respondents=None, response_sd: float = DEFAULT_RESPONSE_SD,
                   survey_max: float | None = None, data_level: str | None = None,
                   confidence_sets: bool = False) -> pd.DataFrame:
    """Rank uncertainty intervals per unit by Monte Carlo (Goldstein & Spiegelhalter 1996).

    Each draw perturbs the scores under a stated model, recomputes every unit's index,
    ranks the units (competition ranks, 1 = best), and the intervals are quantiles of
    each unit's simulated ranks. All draws are vectorised in numpy.

    **Model on unit-level scores** (a parametric bootstrap). For each applicable
    criterion with maximum ``M`` and achievement rate ``r = points / M``:

    * appraisal criteria: ``points* = M · Binomial(m, r) / m`` with ``m = trials``
      effective trials (default 4: quarter-point steps). Criteria at 0 % or 100 % do
      not move. For ``m <= 8`` the binomial is drawn by the inverse CDF of one 16-bit
      uniform (exact up to rounding the CDF to multiples of 2⁻¹⁶, < 1.6·10⁻⁵ per
      probability); for larger ``m`` a normal with the binomial's SD, clipped to [0, 1];
      ``trials=np.inf`` means no appraisal noise;
    * survey criteria (``component == "survey"``): the rate is a mean of
      ``respondents`` answers on a 0..1 scale with SD ``response_sd``:
      ``r* = clip(r + response_sd / sqrt(respondents) · Z, 0, 1)``;
    * the index is recomputed over the unit's applicable criteria (which criteria
      apply is not perturbed).

    **Model on published totals.** The appraisal is an administrative verdict and is
    held fixed; the survey points are a sample mean:
    ``index* = index + (100 / D) · survey_max · response_sd / sqrt(respondents) · Z``
    with ``D = 100 · total / index`` (100 in practice) and ``survey_max`` the survey's
    share of the points in that year (31.5 for ministries and 32 for provinces under
    876/QĐ-BNV, 36.5 for ministries under 1149; looked up in
    :func:`methodology_breaks`, or pass it). This is an assumption: the survey's
    design effect and non-sampling errors are ignored, and respondent counts per unit
    come from a ``respondents`` column of the data when it has one.

    **Bands.** Units are walked in rank order; a band starts with a leader and a unit
    joins it unless the leader is above it in at least ``level`` of the draws
    (``P(leader above unit) >= level``, ties counting one half), in which case the
    unit starts the next band. Units in one band cannot be told apart from the band's
    leader at that level.

    **Confidence sets** (optional, ``confidence_sets=True``): the marginal confidence
    set for each unit's rank of Mogstad, Romano, Shaikh & Wilhelm (2024), computed
    from the same draws used as a parametric bootstrap. For unit ``j`` the
    simultaneous intervals ``Δ̂ₖⱼ ± ĉⱼ·seₖⱼ`` for all ``Δₖⱼ = θₖ − θⱼ`` (``k ≠ j``) use
    ``ĉⱼ`` = the ``level`` quantile over draws of ``maxₖ |(Δ*ₖⱼ − Δ̂ₖⱼ)/seₖⱼ|`` (``seₖⱼ``
    the SD of ``Δ*ₖⱼ``; a difference with no noise is known exactly), and
    ``CSⱼ = [1 + #{k: interval > 0}, p − #{k: interval < 0}]`` (columns ``cs_lo``,
    ``cs_hi``). Unlike the quantile interval, it covers the true rank with probability
    at least ``level`` under the model. Costs O(units² × draws).

    Parameters
    ----------
    scores : scores table (unit-level) or published table.
    n_draws : number of Monte Carlo draws.
    level : coverage of the rank interval, and the threshold for bands (0 < level < 1).
    seed : seed of ``numpy.random.default_rng``.
    top_k : ``p_top_k`` is the share of draws in which the unit ranks ``<= top_k``.
    year : keep one year (default: every year, each ranked separately).
    trials : effective trials per appraisal criterion (see above).
    respondents : respondents per unit (scalar; default: the data's ``respondents``
        column if any, else ``DEFAULT_RESPONDENTS_UNIT`` (30) for unit-level scores and
        ``DEFAULT_RESPONDENTS_PUBLISHED`` (1,000) for published tables).
        ``np.inf`` means no survey noise.
    response_sd : SD of one answer on the 0..1 scale (default 0.25).
    survey_max : survey points out of 100 for published tables (default: by year).
    data_level : keep one level of a published table.
    confidence_sets : add the Mogstad et al. marginal confidence sets ``cs_lo, cs_hi``.

    Returns
    -------
    DataFrame
        ``year, unit_id, unit_name, index, rank, rank_lo, rank_hi, rank_median,
        p_top_k, top_k, band, p_above_next, level, n_draws``; ``rank_lo`` is the best
        and ``rank_hi`` the worst plausible rank (quantiles ``(1 − level)/2`` and
        ``(1 + level)/2``, widened to contain the point rank if the draws are skewed).
        ``p_above_next`` is P(unit above the unit ranked next). Units without an index
        or not ranked are left out. ``attrs["model"]`` (English) and ``attrs["model_vi"]``
        describe the model in words.

    Examples
    --------
    >>> sc = pd.DataFrame({"year": 2023, "unit_id": ["a", "a", "b", "b", "c", "c"],
    ...     "criterion": ["1", "2"] * 3, "component": ["appraisal", "survey"] * 3,
    ...     "max_points": 10.0, "points": [9.0, 8.0, 5.0, 6.0, 8.5, 8.0], "applicable": True})
    >>> ri = rank_intervals(sc, n_draws=2000, seed=1)
    >>> ri[["unit_id", "rank", "rank_lo", "rank_hi"]]
      unit_id  rank  rank_lo  rank_hi
    0       a     1        1        2
    1       c     2        1        3
    2       b     3        2        3
    >>> rank_intervals(sc, n_draws=50, trials=np.inf, respondents=np.inf)["band"].tolist()
    [1, 2, 3]
    """
    if not isinstance(n_draws, (int, np.integer)) or n_draws < 1:
        raise ValueError(f"`n_draws` must be a positive integer, but {n_draws!r} was passed.")
    if not (0 < float(level) < 1):
        raise ValueError(f"`level` must be strictly between 0 and 1, but {level!r} was passed.")
    if not isinstance(top_k, (int, np.integer)) or top_k < 1:
        raise ValueError(f"`top_k` must be a positive integer, but {top_k!r} was passed.")
    if float(trials) < 0 or float(response_sd) < 0:
        raise ValueError("`trials` and `response_sd` must be >= 0.")
    rng = np.random.default_rng(seed)
    is_sc = _is_scores(scores)
    data = scores
    if year is not None:
        data = data[data["year"] == int(year)]
        if data.empty:
            raise ValueError(f"`year`={year} is not in the data; years present: {sorted(scores['year'].unique())}.")
    t = _unit_table(data, level=data_level)
    t = t[t["ranked"] & t["index"].notna()]
    results = []
    lo_q, hi_q = (1 - level) / 2, (1 + level) / 2
    for (yr, grp), g in t.groupby(["year", "_grp"], sort=True):
        g = g.sort_values("unit_id").reset_index(drop=True)
        ids = g["unit_id"].to_numpy(str)
        if is_sc:
            sc = data[(data["year"] == yr) & data["unit_id"].astype(str).isin(ids)]
            if respondents is None:
                if "respondents" in sc.columns:
                    resp = sc["respondents"].to_numpy(float)
                else:
                    resp = float(DEFAULT_RESPONDENTS_UNIT)
            else:
                resp = float(respondents)
            draws = _simulate_scores(sc, ids, n_draws=n_draws, rng=rng, trials=float(trials),
                                     respondents=resp, response_sd=float(response_sd))
            n_txt = "data" if np.ndim(resp) else f"{resp:g}"
            model = (f"criterion bootstrap: appraisal Binomial(m={trials:g}, rate)/m; survey rate + "
                     f"N(0, ({response_sd:g}/sqrt(n))^2), n={n_txt}")
            model_vi = (f"lấy mẫu lại theo tiêu chí: điểm thẩm định Binomial(m={trials:g}, tỷ lệ đạt)/m; "
                        f"tỷ lệ điều tra + N(0, ({response_sd:g}/sqrt(n))^2), n={'theo dữ liệu' if n_txt == 'data' else n_txt} người trả lời")
        else:
            smax = float(survey_max) if survey_max is not None else _survey_max_for(int(yr), grp if grp != "all" else None)
            if np.isnan(smax):
                raise ValueError(f"the survey's share of the points in {yr} is not known from the methodology "
                                 "table; pass `survey_max=` (survey points out of 100).")
            if respondents is None:
                n = (g["respondents"].to_numpy(float) if "respondents" in g.columns
                     else np.full(len(g), float(DEFAULT_RESPONDENTS_PUBLISHED)))
            else:
                n = np.full(len(g), float(respondents))
            tot = g["total"].to_numpy(float) if "total" in g.columns else np.full(len(g), np.nan)
            idx = g["index"].to_numpy(float)
            with np.errstate(invalid="ignore", divide="ignore"):
                D = np.where(np.isfinite(tot) & (idx > 0), 100.0 * tot / np.where(idx > 0, idx, 1.0), 100.0)
                sd = np.where(np.isfinite(n) & (n > 0), (100.0 / D) * smax * response_sd / np.sqrt(np.where(n > 0, n, 1.0)), 0.0)
            draws = idx[None, :] + sd[None, :] * rng.standard_normal((n_draws, len(g)))
            n_txt = "data" if "respondents" in g.columns and respondents is None else f"{n[0]:g}"
            model = (f"published totals: survey points ({smax:g}/100) ~ Normal, SD = {smax:g}·{response_sd:g}/sqrt(n), "
                     f"n={n_txt}; appraisal fixed")
            model_vi = (f"bảng công bố: điểm điều tra ({smax:g}/100) ~ phân phối chuẩn, SD = {smax:g}·{response_sd:g}/sqrt(n), "
                        f"n={'theo dữ liệu' if n_txt == 'data' else n_txt} người trả lời; điểm thẩm định giữ nguyên")
        ranks = _ranks_per_draw(draws)
        point = _competition_rank(g["index"].to_numpy(float)).astype(int)
        lo = np.quantile(ranks, lo_q, axis=0, method="lower").astype(int)
        hi = np.quantile(ranks, hi_q, axis=0, method="higher").astype(int)
        lo, hi = np.minimum(lo, point), np.maximum(hi, point)
        med = np.median(ranks, axis=0)
        ptop = (ranks <= top_k).mean(axis=0)
        order = np.lexsort((ids, point))
        xr = np.round(draws, TIE_DECIMALS)
        band = np.zeros(len(g), dtype=int)
        p_next = np.full(len(g), np.nan)
        cur, leader = 1, order[0] if len(order) else 0
        for j, i in enumerate(order):
            if j > 0:
                p = np.mean(xr[:, leader] > xr[:, i]) + 0.5 * np.mean(xr[:, leader] == xr[:, i])
                if p >= level:
                    cur += 1
                    leader = i
            band[i] = cur
            if j + 1 < len(order):
                n2 = order[j + 1]
                p_next[i] = np.mean(xr[:, i] > xr[:, n2]) + 0.5 * np.mean(xr[:, i] == xr[:, n2])
        res = pd.DataFrame({
            "year": int(yr), "unit_id": ids, "unit_name": g["unit_name"].to_numpy(),
            "index": g["index"].to_numpy(float), "rank": point, "rank_lo": lo, "rank_hi": hi,
            "rank_median": med, "p_top_k": ptop, "top_k": int(top_k), "band": band,
            "p_above_next": p_next, "level": float(level), "n_draws": int(n_draws),
        })
        if confidence_sets:
            res["cs_lo"], res["cs_hi"] = _mogstad_sets(draws, g["index"].to_numpy(float), level)
        if grp != "all":
            res.insert(1, "data_level", grp)
        res = res.iloc[order].reset_index(drop=True)
        res.attrs["model"] = model
        res.attrs["model_vi"] = model_vi
        results.append(res)
    if not results:
        raise ValueError("no ranked unit with an index in the data.")
    out = pd.concat(results, ignore_index=True)
    out.attrs["model"] = results[-1].attrs["model"]
    out.attrs["model_vi"] = results[-1].attrs["model_vi"]
    return out


def interval_model_text(intervals: pd.DataFrame, *, lang: str = "vi") -> str:
    """A short statement of the model behind :func:`rank_intervals` and how to read it.

    Examples
    --------
    >>> sc = pd.DataFrame({"year": 2023, "unit_id": ["a", "b"], "criterion": "1",
    ...     "component": "appraisal", "max_points": 1.0, "points": [1.0, 0.5], "applicable": True})
    >>> print(interval_model_text(rank_intervals(sc, n_draws=10), lang="en"))  # doctest: +ELLIPSIS
    Rank intervals (90% of 10 Monte Carlo draws)...
    """
    check_lang(lang)
    model = intervals.attrs.get("model_vi" if lang == "vi" else "model", intervals.attrs.get("model", "?"))
    lvl = float(intervals["level"].iloc[0]) if len(intervals) else float("nan")
    n = int(intervals["n_draws"].iloc[0]) if len(intervals) else 0
    nb = int(intervals.groupby("year")["band"].max().max()) if len(intervals) else 0
    nu = int(intervals.groupby("year")["unit_id"].count().max()) if len(intervals) else 0
    pct = _fmt(100 * lvl, lang, 1)
    if lang == "vi":
        return (f"Khoảng hạng ({pct}% của {n} lần mô phỏng Monte Carlo) theo mô hình: {model}. "
                f"Đây là giả định về sai số, không phải số liệu công bố. {nu} đơn vị chia thành {nb} nhóm hạng "
                f"không phân biệt được: hai đơn vị trong cùng nhóm không nên được coi là khác hạng thực sự.")
    return (f"Rank intervals ({pct}% of {n} Monte Carlo draws) under the model: {model}. "
            f"This is an assumption about error, not published data. {nu} units fall into {nb} rank bands "
            f"whose members cannot be told apart: two units in one band should not be read as truly ranked.")


# --------------------------------------------------------------------------------------
# notebook helpers


def load_trend_data(data_path: str = "", *, level: str = "ministry") -> pd.DataFrame:
    """The data a trends notebook works on: published tables ("" ) or a unit-level workbook.

    Parameters
    ----------
    data_path : ``""`` for the published national tables
        (:func:`cchc_analysis.published.load_published`), else the path of a unit-level
        scores file read with :func:`cchc_analysis.io.read_scores`.
    level : ``"ministry"`` or ``"province"`` (published tables only).
    """
    if level not in ("ministry", "province"):
        raise ValueError(f"The value for `level` must be one of ['ministry', 'province'], but {level!r} was passed.")
    from ..io import read_scores

    if data_path:
        return read_scores(data_path)
    try:
        from ..published import load_published
    except ImportError:  # the published tables are not installed: say so, use the bundled workbook
        import warnings

        from ..config import DEFAULT_WORKBOOK

        warnings.warn("cchc_analysis.published is not available; using the bundled SYNTHETIC workbook "
                      f"{DEFAULT_WORKBOOK.name} instead of the published tables.", stacklevel=2)
        return read_scores(DEFAULT_WORKBOOK)
    return load_published(level)


def resolve_years(data: pd.DataFrame, *, year_from: int, year_to: int, year: int = 0) -> tuple[int, int]:
    """The two years to compare, taken from what the data holds.

    ``year > 0`` (a report year) means ``year_to = year`` and ``year_from`` = the latest
    earlier year in the data. A ``year_to`` not in the data becomes the data's last year;
    a ``year_from`` not in the data (or not before ``year_to``) becomes the latest year
    before ``year_to``.

    Examples
    --------
    >>> pub = pd.DataFrame({"year": [2020, 2021, 2023], "unit_id": "a", "index": 1.0})
    >>> resolve_years(pub, year_from=2022, year_to=2023)
    (2021, 2023)
    >>> resolve_years(pub, year_from=2022, year_to=2023, year=2021)
    (2020, 2021)
    """
    years = sorted(int(y) for y in pd.unique(data["year"]))
    if len(years) < 2:
        raise ValueError(f"the data holds fewer than two years ({years}); nothing to compare.")
    if year and int(year) > 0:
        year_to = int(year)
    if int(year_to) not in years:
        year_to = years[-1]
    earlier = [y for y in years if y < int(year_to)]
    if not earlier:
        year_to = years[1]
        earlier = [years[0]]
    if int(year_from) not in earlier:
        year_from = earlier[-1]
    return int(year_from), int(year_to)


def pick_unit(data: pd.DataFrame, unit: str, *, year_from: int, year_to: int) -> str:
    """``unit`` if the data has it in both years; otherwise the unit that fell furthest.

    A notebook's default unit (a ministry) is not in a unit-level workbook; instead of
    failing, the unit with the largest fall in rank from ``year_from`` to ``year_to``
    (ties: larger index fall, then unit id) is taken, which is the question the
    notebook answers ("why did we fall?").

    Examples
    --------
    >>> pub = pd.DataFrame({"year": [2022] * 3 + [2023] * 3, "unit_id": list("abcabc"),
    ...                     "index": [90.0, 80.0, 70.0, 75.0, 85.0, 72.0]})
    >>> pick_unit(pub, "zzz", year_from=2022, year_to=2023)
    'a'
    >>> pick_unit(pub, "c", year_from=2022, year_to=2023)
    'c'
    """
    t = _unit_table(data)
    have = t.dropna(subset=["index"])
    ids_from = set(have.loc[have["year"] == int(year_from), "unit_id"])
    ids_to = set(have.loc[have["year"] == int(year_to), "unit_id"])
    if unit in ids_from and unit in ids_to:
        return unit
    m = movers(data, year_from=year_from, year_to=year_to, top=len(t) + 1)
    falls = m[m["kind"] == "rank_fall"]
    if falls.empty:
        falls = m[m["kind"] == "index_fall"]
    if falls.empty:
        common = sorted(ids_from & ids_to)
        if not common:
            raise ValueError(f"no unit has an index in both {year_from} and {year_to}.")
        return common[0]
    return str(falls.iloc[0]["unit_id"])
