"""Trajectories and movers: each unit's rank and index over the years, and who moved most.

Every function takes a tidy frame, either

* a **published** table (one row per unit × year with ``index``; see
  :func:`cchc_analysis.published.load_published`: ``year, level, rank, unit_id,
  unit_name, appraisal, survey, total, index, source_url`` [+ ``ranked``]), or
* a unit-level **scores** table (one row per unit × year × criterion, as returned by
  :func:`cchc_analysis.io.read_scores`); it is recognised by its ``criterion`` and
  ``points`` columns and turned into each unit's applicable-criteria index with
  :func:`cchc_analysis.scoring.applicable_index`.

Ranks are competition ranks (:func:`cchc_analysis.ranking.competition_rank`: 1 = best,
ties share the best rank) computed within each year (and each ``level`` of a published
table) over the units that are ranked: a published row with ``ranked`` False (the two
"special agencies" among the ministries) keeps its index but gets no rank. A year
without a value is a gap, never a zero.

Trajectories mark the years after a methodology break (:mod:`.breaks`) and every
comparison reports a ``break_between`` flag and a note. The national breaks are applied
to published tables; a ministry's internal index (unit-level scores) has its own
decisions, so for scores data no break is assumed unless the analyst passes ``breaks=``.

Following a unit through renamings and mergers
-----------------------------------------------
``lineage=`` takes a frame with columns ``unit_id, successor_id`` (one row per unit that
was renamed or merged into another); the default is the unit registry
(:func:`cchc_analysis.units.load_units`). The lineage of a unit is the unit, its chain of
successors, and (recursively) the units that were renamed or merged into it
(:func:`cchc_analysis.units.successor_chain`, :func:`~cchc_analysis.units.predecessors_in`).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..ranking import competition_rank
from ..scoring import applicable_index
from ..units import load_units, predecessors_in, successor_chain, successor_map
from .breaks import _check_breaks, break_note, breaks_between

__all__ = ["rank_trajectory", "movers"]


# --------------------------------------------------------------------------------------
# the unit table: one row per unit × year, ranked


def _is_scores(data: pd.DataFrame) -> bool:
    return {"criterion", "points"} <= set(data.columns)


def _unit_table(data: pd.DataFrame, *, level: str | None = None, coverage=None) -> pd.DataFrame:
    """One row per unit × year: ``year, _grp, unit_id, unit_name, index, ranked,
    rank_calc, rank, n_ranked`` (+ ``appraisal, survey, total``), with ``attrs['kind']``."""
    if not isinstance(data, pd.DataFrame):
        raise ValueError("`data` must be a pandas DataFrame (a published table or a scores table).")
    if _is_scores(data):
        t = applicable_index(data, aggregate="total")
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
        rank_calc[pos[idx]] = competition_rank(vals)
        n_ranked[pos[idx]] = ok.sum()
    t["rank_calc"] = pd.array(np.where(np.isnan(rank_calc), pd.NA, rank_calc), dtype="Int64")
    t["n_ranked"] = n_ranked
    complete = np.ones(len(t), dtype=bool)
    if kind == "published":
        status = _coverage_status(coverage)
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


def _coverage_status(coverage) -> dict:
    """(level, year) -> "complete" | "partial" from a coverage table (``published.coverage``)."""
    if coverage is None:
        return {}
    if isinstance(coverage, dict):
        return {(str(k[0]), int(k[1])): str(v) for k, v in coverage.items()}
    if not isinstance(coverage, pd.DataFrame) or not {"level", "year", "status"} <= set(coverage.columns):
        raise ValueError("`coverage` must be the table of cchc_analysis.published.coverage "
                         "(columns level, year, status) or a dict {(level, year): status}.")
    return {(str(r.level), int(r.year)): str(r.status) for r in coverage.itertuples()}


def _successors(lineage) -> dict[str, str]:
    """unit_id -> successor_id from ``lineage`` (default: the bundled unit registry)."""
    return successor_map(load_units() if lineage is None else lineage)


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
    chain = successor_chain(unit, succ)
    preds = [m for m in predecessors_in(unit, succ) if m not in chain]
    parts = [own]
    if preds:
        p = t[t["unit_id"].isin(preds) & has & (t["year"] < first)]
        parts.append(p)
        if len(own) == 0 and len(p):
            last = p["year"].max()
    for s_id in chain:
        srows = t[(t["unit_id"] == s_id) & has & (t["year"] > last)]
        parts.append(srows)
        if len(srows):
            last = srows["year"].max()
    return pd.concat(parts).sort_values(["year", "unit_id"], kind="mergesort")


# --------------------------------------------------------------------------------------
# trajectories and movers


def rank_trajectory(data: pd.DataFrame, *, units=None, lineage=None, level: str | None = None,
                    breaks=None, coverage=None) -> pd.DataFrame:
    """Rank and index of each unit in each year, gaps and methodology breaks marked.

    Parameters
    ----------
    data : published table or scores table (see the module docstring).
    units : unit id or list of unit ids to follow (default: every unit as it is).
        A requested unit is followed through its lineage (renamings and mergers):
        rows of its predecessors and successors are included under its ``lineage_id``.
    lineage : DataFrame ``unit_id, successor_id`` (default: the unit registry,
        :func:`cchc_analysis.units.load_units`).
    level : keep one level of a published table (``"ministry"`` or ``"province"``).
    breaks : methodology breaks table (default: the national breaks for published
        tables, none for unit-level scores).
    coverage : for a published table, which (level, year) tables are complete: the
        output of :func:`cchc_analysis.published.coverage` (see :func:`load_coverage`),
        or a dict ``{(level, year): "complete" | "partial"}``. Without it only the checks
        on the rows present apply.

    Returns
    -------
    DataFrame
        ``lineage_id, year, unit_id, unit_name, [level], index, rank, n_ranked,
        year_complete, observed, break_before, break_decision``, one row per lineage and
        year of the data's span. A year without a value has ``observed`` False, ``index``
        NaN and no rank (a gap, not a zero). On published tables ``rank`` is the
        published rank where given (else recomputed, only in complete years) and
        ``year_complete`` is False when the year's table lacks units (ranks beyond the
        rows present, a ranked unit without its index, or ``coverage`` says
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
    t = _unit_table(data, level=level, coverage=coverage)
    kind = t.attrs["kind"]
    brk = (_check_breaks(breaks) if (breaks is not None or kind == "published") else None)
    succ = _successors(lineage)
    if units is None:
        t["lineage_id"] = t["unit_id"]
        sel = t
    else:
        ulist = [units] if isinstance(units, str) else list(units)
        known = set(t["unit_id"])
        parts = []
        for u in ulist:
            members = [str(u), *successor_chain(str(u), succ), *predecessors_in(str(u), succ)]
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


def _year_pair_table(data, *, year_from, year_to, lineage, level, coverage=None):
    t = _one_level(_unit_table(data, level=level, coverage=coverage), level)
    years = set(t["year"])
    for name, y in (("year_from", year_from), ("year_to", year_to)):
        if int(y) not in years:
            raise ValueError(f"`{name}`={y} is not a year of the data; years present: {sorted(years)}.")
    succ = _successors(lineage)
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
           level: str | None = None, breaks=None, coverage=None) -> pd.DataFrame:
    """The largest rises and falls in rank and in index between two years.

    Parameters
    ----------
    data : published table or scores table.
    year_from, year_to : the two years compared.
    top : how many units per list.
    lineage, level, breaks, coverage : as in :func:`rank_trajectory`.

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
    t, a, b = _year_pair_table(data, year_from=year_from, year_to=year_to, lineage=lineage, level=level,
                               coverage=coverage)
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
