"""Checks of a published table against itself and against the published counts.

:func:`year_completeness` is THE definition of a complete published year, used by
:func:`coverage`, :func:`~cchc_analysis.published.claims.year_status` and
:func:`~cchc_analysis.published.claims.check_claims` (and by the trends analyses: see its
docstring). :func:`consistency_checks` lists every row that disagrees with the others.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..ranking import competition_rank
from .load import load_claims

__all__ = ["year_completeness", "consistency_checks", "coverage"]

_COMPLETENESS_COLUMNS = ["level", "year", "rows", "n_ranked_rows", "n_with_index", "n_ranked_published",
                         "ranks_consistent", "complete"]


def expected_counts(claims: pd.DataFrame | None) -> dict:
    """``{(level, year): number of ranked units}`` from the ``n_ranked`` claims (``{}`` for None)."""
    if claims is None:
        return {}
    cl = claims[claims["metric"] == "n_ranked"]
    return {(str(r.level), int(r.year)): int(r.value) for r in cl.itertuples() if not pd.isna(r.value)}


def year_completeness(data: pd.DataFrame, *, claims: pd.DataFrame | None = None,
                      expected: dict | None = None) -> pd.DataFrame:
    """Whether each level × year of a published table is complete: THE one rule.

    A year is complete when the published number of ranked units is known (the ``n_ranked``
    claim, or ``expected``) and that many ranked rows carry an index. Whether the rows agree
    with themselves is reported next to it (``ranks_consistent``: no ranked row without an
    index, every published rank equal to the competition rank,
    :func:`cchc_analysis.ranking.competition_rank`, among the rows present, no published rank
    beyond the number of ranked rows with an index) but does not decide completeness: a wrong
    row in a complete year is an error for :func:`consistency_checks` and makes claims
    ``fail``, not ``not computable``.

    Parameters
    ----------
    data : a published table (``year, unit_id, index``; ``level``, ``rank``, ``ranked`` used
        when present; without ``level`` the years form one group with ``level`` NA).
    claims : the published claims (:func:`~cchc_analysis.published.load_claims`); only the
        ``n_ranked`` rows are used. Nothing is read from disk here.
    expected : ``{(level, year): n_ranked}``, overriding ``claims`` where both give a count.

    Returns
    -------
    DataFrame, one row per level × year (sorted by level, then year): ``level, year, rows,
    n_ranked_rows, n_with_index, n_ranked_published`` (``Int64``, NA when not known),
    ``ranks_consistent`` and ``complete``.

    Notes
    -----
    Tables without a published count (a unit-level workbook, a year the claims do not
    cover) are never ``complete``; an analysis that must go on there (the trends) takes
    ``ranks_consistent`` as the best evidence available::

        yc = year_completeness(t, claims=claims)
        ok = yc["complete"] | (yc["n_ranked_published"].isna() & yc["ranks_consistent"])

    Examples
    --------
    >>> from cchc_analysis.published import load_published
    >>> pub = load_published("ministry", years=[2022, 2023])
    >>> yc = year_completeness(pub, claims=load_claims(level="ministry"))
    >>> yc[["year", "n_with_index", "n_ranked_published", "complete"]].values.tolist()
    [[2022, 5, 17, False], [2023, 17, 17, True]]
    >>> year_completeness(pub)["complete"].tolist()  # no published count given: not known complete
    [False, False]
    """
    need = {"year", "unit_id", "index"}
    if not isinstance(data, pd.DataFrame) or need - set(data.columns):
        raise ValueError(f"`data` must be a published table with at least the columns {sorted(need)}.")
    counts = {**expected_counts(claims), **(expected or {})}
    d = data.assign(_level=data["level"].astype(object) if "level" in data.columns else pd.NA)
    rows = []
    for (lv, yr), g in d.groupby(["_level", "year"], dropna=False, sort=True):
        ranked = g["ranked"].fillna(True).astype(bool).to_numpy() if "ranked" in g.columns else np.ones(len(g), bool)
        idx = g["index"].to_numpy(dtype=float)
        has = ~np.isnan(idx)
        r = ranked & has
        consistent = not (ranked & ~has).any()
        if "rank" in g.columns:
            pub = pd.to_numeric(g["rank"], errors="coerce").to_numpy(dtype=float, na_value=np.nan)
            calc = competition_rank(np.where(r, idx, np.nan))
            given = r & ~np.isnan(pub)
            consistent = consistent and bool(np.all(pub[given] == calc[given]))
            consistent = consistent and not np.nanmax(np.where(ranked, pub, np.nan), initial=0) > r.sum()
        level = None if pd.isna(lv) else str(lv)
        exp = counts.get((level, int(yr)))
        n = int(r.sum())
        rows.append({"level": pd.NA if level is None else level, "year": int(yr), "rows": len(g),
                     "n_ranked_rows": int(ranked.sum()), "n_with_index": n,
                     "n_ranked_published": pd.NA if exp is None else exp,
                     "ranks_consistent": bool(consistent),
                     "complete": bool(exp is not None and n == exp)})
    out = pd.DataFrame(rows, columns=_COMPLETENESS_COLUMNS)
    out["n_ranked_published"] = pd.array(out["n_ranked_published"], dtype="Int64")
    return out.reset_index(drop=True)


def _documented(note: str, *words: str) -> bool:
    n = (note or "").lower()
    return any(w in n for w in words)


def consistency_checks(data: pd.DataFrame, *, tol: float = 0.02) -> pd.DataFrame:
    """Internal consistency of a published table: one row per problem found.

    Checks
    ------
    ``components``: ``appraisal + survey`` equals ``total`` within ``tol`` where all three are given
    (the published components are rounded separately, so a difference up to 0.01 is normal).
    ``total_index``: ``total`` equals ``index`` within ``tol`` where both are given (true while the
    maximum is 100 points, as under Quyết định 876/QĐ-BNV).
    ``rank_order``: within a year, a ranked unit with a higher index never has a worse (larger)
    rank than one with a lower index (ties in the index may be ranked either way).
    ``rank_unique``: no two ranked units share a rank unless their (known) indices tie.

    Parameters
    ----------
    data : a published table (:func:`load_published`).
    tol : tolerance in points.

    Returns
    -------
    DataFrame with columns ``check, year, level, unit_id, other_unit_id, detail, documented``
    (``documented`` is True when the row's ``notes`` explain the deviation). Empty when consistent.

    Examples
    --------
    >>> from cchc_analysis.published import load_published
    >>> consistency_checks(load_published("ministry")).empty
    True
    """
    need = {"year", "unit_id", "rank", "index"}
    if not isinstance(data, pd.DataFrame) or need - set(data.columns):
        raise ValueError(f"`data` must be a published table with at least the columns {sorted(need)}.")
    d = data.copy()
    for c in ("appraisal", "survey", "total", "level", "notes"):
        if c not in d.columns:
            d[c] = np.nan if c not in ("level", "notes") else ""
    if "ranked" not in d.columns:
        d["ranked"] = True
    rows = []

    def add(check, r, other, detail, doc_words):
        rows.append({"check": check, "year": int(r["year"]), "level": r["level"], "unit_id": r["unit_id"],
                     "other_unit_id": other, "detail": detail,
                     "documented": _documented(r["notes"], *doc_words)})

    full = d.dropna(subset=["appraisal", "survey", "total"])
    for _, r in full.iterrows():
        diff = r["appraisal"] + r["survey"] - r["total"]
        if abs(diff) > tol + 1e-9:
            add("components", r, "", f"appraisal + survey - total = {diff:+.2f}", ("component", "thành phần"))
    both = d.dropna(subset=["total", "index"])
    for _, r in both.iterrows():
        if abs(r["total"] - r["index"]) > tol + 1e-9:
            add("total_index", r, "", f"total - index = {r['total'] - r['index']:+.2f}", ("total", "denominator"))
    rk = d[d["ranked"].astype(bool) & d["rank"].notna()]
    for _, g in rk.groupby(["level", "year"]):
        g = g.reset_index(drop=True)
        ranks = g["rank"].astype("float64").to_numpy()
        idx = g["index"].to_numpy(dtype=float)
        for i in range(len(g)):
            for j in range(len(g)):
                if i == j:
                    continue
                if not (np.isnan(idx[i]) or np.isnan(idx[j])) and idx[i] > idx[j] and ranks[i] > ranks[j]:
                    add("rank_order", g.iloc[i], g.at[j, "unit_id"],
                        f"index {idx[i]:.2f} > {idx[j]:.2f} but rank {int(ranks[i])} > {int(ranks[j])}",
                        ("rank", "hạng"))
                if i < j and ranks[i] == ranks[j] and not idx[i] == idx[j]:
                    add("rank_unique", g.iloc[i], g.at[j, "unit_id"],
                        f"both ranked {int(ranks[i])}", ("tie", "đồng hạng", "rank"))
    cols = ["check", "year", "level", "unit_id", "other_unit_id", "detail", "documented"]
    return pd.DataFrame(rows, columns=cols)


def coverage(data: pd.DataFrame, *, claims: pd.DataFrame | None = None,
             expected: dict | None = None) -> pd.DataFrame:
    """Coverage of a published table by year: rows, ranked rows with an index, columns present.

    Parameters
    ----------
    data : a published table (one level or both).
    claims : the published claims (their ``n_ranked`` rows give the expected counts).
    expected : ``{(level, year): number of ranked units}``, overriding ``claims``. With
        neither, the bundled ``claims.csv`` is read (:func:`load_claims`).

    Returns
    -------
    DataFrame with columns ``level, year, rows, ranked_with_index, expected, status
    ("complete" | "partial"), columns`` (the value columns with at least one number).

    Examples
    --------
    >>> from cchc_analysis.published import load_published
    >>> c = coverage(load_published("ministry", years=2023))
    >>> c[["year", "rows", "ranked_with_index", "expected", "status"]].values.tolist()
    [[2023, 19, 17, 17, 'complete']]
    """
    if claims is None and expected is None:
        claims = load_claims()
    yc = year_completeness(data, claims=claims, expected=expected).set_index(["level", "year"])
    rows = []
    for (lv, yr), g in data.groupby(["level", "year"]):
        st = yc.loc[(lv, int(yr))]
        present = [c for c in ["rank", "appraisal", "survey", "total", "index"] if g[c].notna().any()]
        rows.append({"level": lv, "year": int(yr), "rows": int(st["rows"]), "ranked_with_index": int(st["n_with_index"]),
                     "expected": st["n_ranked_published"],
                     "status": "complete" if st["complete"] else "partial",
                     "columns": ", ".join(present)})
    out = pd.DataFrame(rows, columns=["level", "year", "rows", "ranked_with_index", "expected", "status", "columns"])
    out["expected"] = pd.array(out["expected"], dtype="Int64")
    return out.sort_values(["level", "year"], ascending=[True, False]).reset_index(drop=True)
