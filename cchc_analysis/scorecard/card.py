"""One unit's scorecard: the pieces of its page."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from ..labels import FIELD_NAMES, check_lang
from ..ranking import competition_rank
from ..scoring import applicable_index
from ..text import fmt_int, fmt_number
from .attribution import criterion_attribution
from .needed import points_needed

__all__ = ["Scorecard", "unit_scorecard", "scorecard_context"]


@dataclass
class Scorecard:
    """The pieces of one unit's page (all tables tidy; words in :attr:`summary`).

    Attributes
    ----------
    unit_id, unit_name, unit_type, year : who and when.
    index, rank, n_units : the unit's index, its rank in the single league and the number
        of units ranked.
    rank_lo, rank_hi : its rank interval (NaN when no intervals were computed).
    peer : ``{"scheme", "group", "rank", "n"}`` — its rank within its peer group under
        the given scheme (empty when none).
    change : ``{"year_from", "index_from", "rank_from", "index_change", "rank_change"}``
        since the previous year in the data (empty when there is none).
    causes : criterion-level attribution of the change, largest effects first.
    field_profile : ``field, field_name, index, type_mean, gap`` (gap = unit − type mean).
    lost : criteria where most points were lost: ``criterion, criterion_name, max_points,
        points, lost``.
    needed : :func:`points_needed` for the next rank, the top 5 and the 90 % line.
    self_gap : self-assessed vs appraised points per criterion (when ``self_points`` exist).
    survey_flags : the unit's rows of a survey-quality table (when given).
    summary : two or three plain sentences for the head of the unit.
    """

    unit_id: str
    unit_name: str
    unit_type: str | None
    year: int
    index: float
    rank: int
    n_units: int
    rank_lo: float = np.nan
    rank_hi: float = np.nan
    peer: dict = field(default_factory=dict)
    change: dict = field(default_factory=dict)
    causes: pd.DataFrame | None = None
    field_profile: pd.DataFrame | None = None
    lost: pd.DataFrame | None = None
    needed: pd.DataFrame | None = None
    self_gap: pd.DataFrame | None = None
    survey_flags: pd.DataFrame | None = None
    summary: str = ""


def scorecard_context(scores: pd.DataFrame, *, year: int | None = None, intervals: pd.DataFrame | None = None,
                      peer_ranks: pd.DataFrame | None = None) -> dict:
    """Everything shared by the scorecards of one year, computed once (index of every
    unit, ranks, field indices, type means); pass it to :func:`unit_scorecard` as
    ``context`` when making many cards."""
    years = sorted(int(y) for y in pd.unique(scores["year"]))
    year = years[-1] if year is None else int(year)
    if year not in years:
        raise ValueError(f"year {year} is not in the data (years present: {years}).")
    idx = applicable_index(scores)
    idx["rank"] = np.nan
    for y, g in idx.groupby("year"):
        idx.loc[g.index, "rank"] = competition_rank(g["index"].to_numpy())
    fld = applicable_index(scores[scores["year"] == year], aggregate="field") if "field" in scores else None
    needed = points_needed(scores, year=year, rank=["next", 5], index=90.0, intervals=intervals)
    return {"year": year, "years": years, "index": idx, "field": fld, "intervals": intervals,
            "peer_ranks": peer_ranks, "needed": needed}


def _field_name(f: str, lang: str) -> str:
    return FIELD_NAMES.get(str(f), {}).get(lang, str(f))


def unit_scorecard(scores: pd.DataFrame, *, unit: str, year: int | None = None, survey_flags: pd.DataFrame | None = None,
                   intervals: pd.DataFrame | None = None, peer_ranks: pd.DataFrame | None = None,
                   lang: str = "vi", context: dict | None = None, n_lost: int = 5) -> Scorecard:
    """The scorecard of one unit.

    Parameters
    ----------
    scores : canonical scores table (several years give the change since the previous one).
    unit : unit id.
    year : the year (default: the latest).
    survey_flags : a survey-quality table (``unit_id`` + flags); the unit's rows are kept.
    intervals : rank intervals (``year, unit_id, rank_lo, rank_hi`` as from
        :func:`cchc_analysis.rank_intervals`).
    peer_ranks : a :func:`cchc_analysis.peer_rank` table under the recommended scheme.
    lang : language of :attr:`Scorecard.summary`.
    context : from :func:`scorecard_context` (saves recomputing shared tables).
    n_lost : how many criteria to list where most points were lost.

    Examples
    --------
    >>> s = pd.DataFrame({"year": 2023, "unit_id": np.repeat(list("abc"), 2),
    ...     "unit_name": np.repeat(["A", "B", "C"], 2), "unit_type": "vu", "field": ["1", "2"] * 3,
    ...     "criterion": ["1.1", "2.1"] * 3, "max_points": 5.0,
    ...     "points": [5, 4, 4, 4, 3, 2.0], "applicable": True})
    >>> c = unit_scorecard(s, unit="c")
    >>> c.rank, c.n_units, round(c.index, 1)
    (3, 3, 50.0)
    >>> print(c.summary)
    C đạt 50,00 %, hạng 3/3. Mất nhiều điểm nhất ở tiêu chí 2.1 (mất 3,00 điểm). Cần thêm 3,00 điểm để lên hạng 2.
    """
    check_lang(lang)
    ctx = context or scorecard_context(scores, year=year, intervals=intervals, peer_ranks=peer_ranks)
    year = ctx["year"]
    intervals = ctx.get("intervals") if intervals is None else intervals
    peer_ranks = ctx.get("peer_ranks") if peer_ranks is None else peer_ranks
    idx = ctx["index"]
    cur = idx[idx["year"] == year]
    if unit not in set(cur["unit_id"]):
        raise ValueError(f"unit {unit!r} is not in the data for {year}.")
    me = cur.set_index("unit_id").loc[unit]
    name = str(me.get("unit_name", unit)) if "unit_name" in cur else unit
    utype = me.get("unit_type") if "unit_type" in cur else None
    card = Scorecard(unit_id=unit, unit_name=name, unit_type=utype, year=year, index=float(me["index"]),
                     rank=int(me["rank"]), n_units=int(cur["index"].notna().sum()))
    if intervals is not None and len(intervals):
        iv = intervals[intervals["unit_id"] == unit]
        if "year" in iv:
            iv = iv[iv["year"] == year]
        if len(iv):
            card.rank_lo, card.rank_hi = float(iv["rank_lo"].iloc[0]), float(iv["rank_hi"].iloc[0])
    if peer_ranks is not None and len(peer_ranks):
        pr = peer_ranks[(peer_ranks["unit_id"] == unit) & (peer_ranks["year"] == year)]
        if len(pr):
            r = pr.iloc[0]
            card.peer = {"scheme": r.get("scheme"), "group": r.get("peer_group"), "rank": int(r["rank"]),
                         "n": int(r["n_in_group"])}
    prev = [y for y in ctx["years"] if y < year]
    if prev:
        p = idx[(idx["year"] == prev[-1]) & (idx["unit_id"] == unit)]
        if len(p) and np.isfinite(p["index"].iloc[0]):
            card.change = {"year_from": prev[-1], "index_from": float(p["index"].iloc[0]),
                           "rank_from": int(p["rank"].iloc[0]),
                           "index_change": card.index - float(p["index"].iloc[0]),
                           "rank_change": int(p["rank"].iloc[0]) - card.rank}
            att = criterion_attribution(scores, unit=unit, year_from=prev[-1], year_to=year)
            card.causes = att.reindex(att["total"].abs().sort_values(ascending=False).index).reset_index(drop=True)
    s = scores[(scores["year"] == year) & (scores["unit_id"] == unit)]
    if ctx.get("field") is not None:
        f = ctx["field"]
        if "unit_type" in f.columns and utype is not None:
            peers = f[f["unit_type"] == utype]
        else:
            peers = f
        mean = peers.groupby("field")["index"].mean()
        mine = f[f["unit_id"] == unit][["field", "index"]].copy()
        mine["field_name"] = mine["field"].map(lambda x: _field_name(x, lang))
        mine["type_mean"] = mine["field"].map(mean)
        mine["gap"] = mine["index"] - mine["type_mean"]
        card.field_profile = mine[["field", "field_name", "index", "type_mean", "gap"]].reset_index(drop=True)
    app = s[s["applicable"].astype(bool)].copy()
    app["lost"] = app["max_points"] - app["points"]
    cols = ["criterion"] + (["criterion_name"] if "criterion_name" in app else []) + ["max_points", "points", "lost"]
    card.lost = (app[app["lost"] > 1e-12].sort_values(["lost", "criterion"], ascending=[False, True], kind="stable")
                 [cols].head(n_lost).reset_index(drop=True))
    nd = ctx["needed"]
    nd = nd[nd["unit_id"] == unit]
    # the next rank, the top 5 (when not already there) and the 90 % line
    keep = (nd["target_kind"] != "rank") | (nd["target"].astype(float) < card.rank)
    card.needed = nd[keep].drop_duplicates(["target_kind", "target"]).reset_index(drop=True)
    if "self_points" in s.columns and s["self_points"].notna().any():
        g = app[["criterion", "max_points", "points"]].copy()
        g["self_points"] = s.loc[app.index, "self_points"]
        g["cut"] = g["self_points"] - g["points"]
        card.self_gap = g[g["cut"].abs() > 1e-12].sort_values("cut", ascending=False).reset_index(drop=True)
    if survey_flags is not None and "unit_id" in survey_flags:
        card.survey_flags = survey_flags[survey_flags["unit_id"] == unit].reset_index(drop=True)
    card.summary = _summary(card, lang)
    return card


def _summary(c: Scorecard, lang: str) -> str:
    vi = lang == "vi"
    n = fmt_number
    parts = []
    iv = ""
    if np.isfinite(c.rank_lo) and np.isfinite(c.rank_hi) and (c.rank_lo, c.rank_hi) != (c.rank, c.rank):
        iv = (f" (khoảng tin cậy {fmt_int(c.rank_lo)}–{fmt_int(c.rank_hi)})" if vi
              else f" (interval {fmt_int(c.rank_lo, 'en')}–{fmt_int(c.rank_hi, 'en')})")
    parts.append(f"{c.unit_name} đạt {n(c.index, lang)} %, hạng {c.rank}/{c.n_units}{iv}." if vi
                 else f"{c.unit_name} scored {n(c.index, lang)} %, rank {c.rank} of {c.n_units}{iv}.")
    if c.change:
        d, r = c.change["index_change"], c.change["rank_change"]
        mv = ((f"tăng {r} bậc" if r > 0 else f"giảm {-r} bậc" if r < 0 else "giữ nguyên hạng") if vi
              else (f"up {r} places" if r > 0 else f"down {-r} places" if r < 0 else "same rank"))
        parts.append(f"So với năm {c.change['year_from']}: {mv}, chỉ số {'+' if d >= 0 else '−'}{n(abs(d), lang)} điểm."
                     if vi else f"Since {c.change['year_from']}: {mv}, index {'+' if d >= 0 else '−'}{n(abs(d), lang)} points.")
    if c.lost is not None and len(c.lost):
        top = c.lost.iloc[0]
        nm = top.get("criterion_name") if "criterion_name" in c.lost else None
        what = f"{top['criterion']}" + (f" – {nm}" if isinstance(nm, str) and nm else "")
        parts.append(f"Mất nhiều điểm nhất ở tiêu chí {what} (mất {n(top['lost'], lang)} điểm)." if vi
                     else f"Most points were lost on criterion {what} ({n(top['lost'], lang)} points).")
    if c.needed is not None and len(c.needed):
        nx = c.needed[c.needed["target_kind"] == "rank"]
        if len(nx):
            r0 = nx.iloc[0]
            if r0["reachable"]:
                parts.append(f"Cần thêm {n(r0['points_needed'], lang)} điểm để lên hạng {r0['target']}." if vi
                             else f"{n(r0['points_needed'], lang)} more points would reach rank {r0['target']}.")
            else:
                parts.append(f"Không thể lên hạng {r0['target']} trong năm này (không đủ điểm còn lại)." if vi
                             else f"Rank {r0['target']} is out of reach this year (not enough headroom).")
    return " ".join(parts)
