"""One unit's scorecard: the pieces of its page."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from ..labels import FIELD_NAMES, check_lang
from ..ranking import competition_rank
from ..scoring import applicable_index
from ..text import fmt_int, fmt_number, fmt_signed
from .attribution import criterion_attribution_all
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
    needed : :func:`points_needed` for the next rank, the top 5, the 90 % line and, when
        peer ranks in groups are given, the top of the unit's peer group.
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
                      peer_ranks: pd.DataFrame | None = None, lang: str = "vi") -> dict:
    """Everything shared by the scorecards of one year, computed once (index of every
    unit, ranks, field indices, type means, and every per-unit table for all units at
    once); pass it to :func:`unit_scorecard` as ``context`` when making many cards.
    ``lang``: the language of the field names in the profiles."""
    years = sorted(int(y) for y in pd.unique(scores["year"]))
    year = years[-1] if year is None else int(year)
    if year not in years:
        raise ValueError(f"year {year} is not in the data (years present: {years}).")
    idx = applicable_index(scores)
    idx["rank"] = np.nan
    for y, g in idx.groupby("year"):
        idx.loc[g.index, "rank"] = competition_rank(g["index"].to_numpy())
    cur_scores = scores[scores["year"] == year]
    fld = applicable_index(cur_scores, aggregate="field") if "field" in scores else None
    needed = points_needed(scores, year=year, rank=["next", 5], index=90.0, intervals=intervals)
    # the next rank, the top 5 (when not already there) and the 90 % line
    keep = (needed["target_kind"] != "rank") | (needed["target"].astype(float) < needed["current_rank"])
    needed = needed[keep].drop_duplicates(["unit_id", "target_kind", "target"])
    top = _group_top_needed(scores, peer_ranks, year=year, intervals=intervals)
    if top is not None and len(top):
        needed = pd.concat([needed, top], ignore_index=True)
    prev = [y for y in years if y < year]
    # every per-unit table is computed for all units at once and split by unit: a card then
    # only looks its pieces up (hundreds of cards)
    ctx = {"year": year, "years": years, "index": idx, "field": fld, "intervals": intervals,
           "peer_ranks": peer_ranks, "needed": needed,
           "by_year": {int(y): g.drop_duplicates("unit_id").set_index("unit_id") for y, g in idx.groupby("year")},
           "needed_by_unit": _split(needed, keep_unit=True), "lang": lang,
           "intervals_by_unit": _first_by_unit(intervals, year),
           "peers_by_unit": _first_by_unit(peer_ranks, year)}
    if prev:
        att = criterion_attribution_all(scores, year_from=prev[-1], year_to=year)
        att = att.assign(_abs=att["total"].abs()).sort_values(["unit_id", "_abs"], ascending=[True, False],
                                                              kind="stable")
        ctx["causes_by_unit"] = _split(att.drop(columns=["_abs", "index_from", "index_to", "change"]))
    app = cur_scores[cur_scores["applicable"].astype(bool)]
    cols = ["unit_id", "criterion"] + (["criterion_name"] if "criterion_name" in app else []) + ["max_points", "points"]
    lost = app[cols].assign(lost=app["max_points"] - app["points"])
    lost = lost[lost["lost"] > 1e-12].sort_values(["unit_id", "lost", "criterion"], ascending=[True, False, True],
                                                  kind="stable")
    ctx["lost_by_unit"] = _split(lost)
    if "self_points" in app.columns and app["self_points"].notna().any():
        g = app[["unit_id", "criterion"] + (["criterion_name"] if "criterion_name" in app else [])
                + ["max_points", "self_points", "points"]].copy()
        g["cut"] = g["self_points"] - g["points"]
        g = g[g["cut"].abs() > 1e-12].sort_values(["unit_id", "cut"], ascending=[True, False], kind="stable")
        ctx["self_by_unit"] = _split(g)
    if fld is not None:
        f = fld.copy()
        if "unit_type" in f.columns:
            f["type_mean"] = f.groupby(["unit_type", "field"], dropna=False)["index"].transform("mean")
        else:
            f["type_mean"] = f.groupby("field")["index"].transform("mean")
        f["gap"] = f["index"] - f["type_mean"]
        f["field_name"] = [_field_name(x, lang) for x in f["field"]]
        ctx["field_by_unit"] = _split(f[["unit_id", "field", "field_name", "index", "type_mean", "gap"]])
    return ctx


def _group_top_needed(scores: pd.DataFrame, peer_ranks: pd.DataFrame | None, *, year: int,
                      intervals: pd.DataFrame | None = None) -> pd.DataFrame | None:
    """The points each unit needs to head its peer group under the scheme of ``peer_ranks``
    (rows only for units that are not already first in their group), or None: no peer
    ranks, one group only (the single league: the rank targets say it), or a scheme that
    ranks by another score than the index (then points do not translate into its ranks)."""
    if peer_ranks is None or not len(peer_ranks) or "peer_group" not in peer_ranks:
        return None
    pr = peer_ranks[peer_ranks["year"] == year] if "year" in peer_ranks.columns else peer_ranks
    if pr["peer_group"].nunique() < 2:
        return None
    if "score" in pr.columns and "index" in pr.columns and not np.allclose(
            pr["score"].to_numpy(float), pr["index"].to_numpy(float), equal_nan=True):
        return None
    group = dict(zip(pr["unit_id"], pr["peer_group"].astype(str)))
    s = scores[scores["year"] == year]
    s = s.assign(_peer_group=s["unit_id"].map(group))
    s = s[s["_peer_group"].notna()]
    if not len(s):
        return None
    top = points_needed(s, year=year, group="_peer_group", intervals=intervals)
    return top[top["points_needed"] > 1e-12].reset_index(drop=True)


def _split(t: pd.DataFrame, *, keep_unit: bool = False) -> dict:
    """``{unit_id: its rows}`` (without ``unit_id`` unless ``keep_unit``), order kept within
    each unit: one stable sort, then positional slices (a groupby loop costs ~1 ms a unit)."""
    codes, uniques = pd.factorize(t["unit_id"])
    order = np.argsort(codes, kind="stable")
    t = t.iloc[order]
    t = (t if keep_unit else t.drop(columns="unit_id")).reset_index(drop=True)
    bounds = np.flatnonzero(np.diff(codes[order])) + 1
    starts = np.concatenate([[0], bounds])
    ends = np.concatenate([bounds, [len(t)]])
    return {uniques[codes[order][a]]: t.iloc[a:b] for a, b in zip(starts, ends)} if len(t) else {}


def _first_by_unit(table: pd.DataFrame | None, year: int) -> dict:
    """``{unit_id: first row}`` of ``table`` in ``year`` (empty when there is no table)."""
    if table is None or not len(table):
        return {}
    t = table[table["year"] == year] if "year" in table.columns else table
    return {r["unit_id"]: r for r in t.drop_duplicates("unit_id").to_dict("records")}


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
    C đạt 50 %, hạng 3/3. Mất nhiều điểm nhất ở tiêu chí 2.1 (mất 3 điểm). Cần thêm 3 điểm (trên 1 tiêu chí) để lên hạng 2.
    """
    check_lang(lang)
    ctx = context or scorecard_context(scores, year=year, intervals=intervals, peer_ranks=peer_ranks,
                                       lang=lang)
    year = ctx["year"]
    cur = ctx["by_year"][year]
    if unit not in cur.index:
        raise ValueError(f"unit {unit!r} is not in the data for {year}.")
    me = cur.loc[unit]
    name = str(me["unit_name"]) if "unit_name" in cur.columns else unit
    utype = me["unit_type"] if "unit_type" in cur.columns else None
    card = Scorecard(unit_id=unit, unit_name=name, unit_type=utype, year=year, index=float(me["index"]),
                     rank=int(me["rank"]), n_units=int(cur["index"].notna().sum()))
    iv = (_first_by_unit(intervals, year) if intervals is not None else ctx["intervals_by_unit"]).get(unit)
    if iv is not None:
        card.rank_lo, card.rank_hi = float(iv["rank_lo"]), float(iv["rank_hi"])
    r = (_first_by_unit(peer_ranks, year) if peer_ranks is not None else ctx["peers_by_unit"]).get(unit)
    if r is not None:
        card.peer = {"scheme": r.get("scheme"), "group": r.get("peer_group"), "rank": int(r["rank"]),
                     "n": int(r["n_in_group"])}
    prev = [y for y in ctx["years"] if y < year]
    if prev:
        before = ctx["by_year"][prev[-1]]
        causes = ctx["causes_by_unit"].get(unit)
        if unit in before.index and np.isfinite(before.loc[unit, "index"]) and causes is not None:
            p = before.loc[unit]
            card.change = {"year_from": prev[-1], "index_from": float(p["index"]), "rank_from": int(p["rank"]),
                           "index_change": card.index - float(p["index"]),
                           "rank_change": int(p["rank"]) - card.rank}
            card.causes = causes
    if "field_by_unit" in ctx and unit in ctx["field_by_unit"]:
        f = ctx["field_by_unit"][unit]
        if ctx.get("lang") != lang:
            f = f.assign(field_name=[_field_name(x, lang) for x in f["field"]])
        card.field_profile = f
    empty = pd.DataFrame(columns=["criterion", "max_points", "points", "lost"])
    card.lost = ctx["lost_by_unit"].get(unit, empty).head(n_lost)
    card.needed = ctx["needed_by_unit"].get(unit, ctx["needed"].iloc[:0])
    if "self_by_unit" in ctx:
        card.self_gap = ctx["self_by_unit"].get(unit)
    if survey_flags is not None and "unit_id" in survey_flags:
        card.survey_flags = survey_flags[survey_flags["unit_id"] == unit].reset_index(drop=True)
    card.summary = _summary(card, lang)
    return card


def main_cause(causes: pd.DataFrame | None, change: float):
    """The criterion that moved the index most *in the direction it moved* (the largest
    part of the same sign as the change), or ``None`` (no change, no causes)."""
    if causes is None or not len(causes) or abs(change) < 0.005:
        return None
    tot = causes["total"].to_numpy(float)
    score = np.where(np.sign(tot) == np.sign(change), np.abs(tot), -1.0)
    i = int(np.argmax(score))
    return causes.iloc[i] if score[i] >= 0 else None


def _summary(c: Scorecard, lang: str) -> str:
    from .words import ceil_points, criterion_label

    vi = lang == "vi"

    def n(x, digits=2):
        return fmt_number(x, lang, digits, strip=True)

    parts = []
    iv = ""
    if np.isfinite(c.rank_lo) and np.isfinite(c.rank_hi) and (c.rank_lo, c.rank_hi) != (c.rank, c.rank):
        iv = (f" (khoảng tin cậy {fmt_int(c.rank_lo)}–{fmt_int(c.rank_hi)})" if vi
              else f" (interval {fmt_int(c.rank_lo, 'en')}–{fmt_int(c.rank_hi, 'en')})")
    parts.append(f"{c.unit_name} đạt {n(c.index)} %, hạng {c.rank}/{c.n_units}{iv}." if vi
                 else f"{c.unit_name} scored {n(c.index)} %, rank {c.rank} of {c.n_units}{iv}.")
    if c.change:
        d, r = c.change["index_change"], c.change["rank_change"]
        mv = ((f"tăng {r} bậc" if r > 0 else f"giảm {-r} bậc" if r < 0 else "giữ nguyên hạng") if vi
              else (f"up {r} place{'s' * (r != 1)}" if r > 0 else f"down {-r} place{'s' * (r != -1)}" if r < 0
                    else "same rank"))
        why = ""
        top = main_cause(c.causes, d)
        if top is not None:
            crit = criterion_label(top["criterion"], top.get("criterion_name"))
            part = fmt_signed(top["total"], lang, 2, strip=True)
            why = ((f", nhiều nhất nhờ tiêu chí {crit} ({part} điểm)" if d > 0 else
                    f", nhiều nhất do tiêu chí {crit} ({part} điểm)") if vi else
                   f", most of it from criterion {crit} ({part} points)")
        parts.append(f"So với năm {c.change['year_from']}: {mv}, chỉ số {fmt_signed(d, lang, 2, strip=True)} điểm{why}."
                     if vi else f"Since {c.change['year_from']}: {mv}, index {fmt_signed(d, lang, 2, strip=True)} points{why}.")
    if c.lost is not None and len(c.lost):
        top = c.lost.iloc[0]
        what = criterion_label(top["criterion"], top.get("criterion_name") if "criterion_name" in c.lost else None)
        parts.append(f"Mất nhiều điểm nhất ở tiêu chí {what} (mất {n(top['lost'])} điểm)." if vi
                     else f"Most points were lost on criterion {what} ({n(top['lost'])} points).")
    if c.needed is not None and len(c.needed):
        nx = c.needed[c.needed["target_kind"] == "rank"]
        if len(nx):
            r0 = nx.iloc[0]
            if r0["reachable"]:
                k = int(r0["n_criteria"])
                on = ((f" (trên {k} tiêu chí)" if k > 1 else " (trên 1 tiêu chí)") if vi
                      else (f" (on {k} criteria)" if k > 1 else " (on 1 criterion)"))
                parts.append(f"Cần thêm {n(ceil_points(r0['points_needed']))} điểm{on} để lên hạng {r0['target']}." if vi
                             else f"{n(ceil_points(r0['points_needed']))} more points{on} would reach rank {r0['target']}.")
            else:
                parts.append(f"Không thể lên hạng {r0['target']} trong năm này (không đủ điểm còn lại)." if vi
                             else f"Rank {r0['target']} is out of reach this year (not enough headroom).")
        elif c.rank == 1:
            parts.append("Đơn vị đang đứng đầu." if vi else "The unit is first.")
    return " ".join(parts)
