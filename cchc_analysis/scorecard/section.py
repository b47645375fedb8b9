"""The scorecards' report section (notebook 07): every unit's card, the findings of the
front page, the overview table and the per-unit files."""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pandas as pd

from ..labels import check_lang
from ..text import fmt_int, fmt_number, fmt_signed
from .card import Scorecard, main_cause, scorecard_context, unit_scorecard
from .pages import UNIT_DIR, overview_table, write_scorecards
from .words import ceil_points, criterion_label, text

__all__ = ["make_scorecards", "too_few_units", "recommended_peer_ranks", "survey_flags", "scorecard_findings",
           "add_section_blocks", "write_unit_files", "MIN_UNITS"]

#: A rank needs at least two units.
MIN_UNITS = 2


def too_few_units(scores: pd.DataFrame, *, year: int, lang: str = "vi") -> str | None:
    """Why no scorecard can be made for ``year`` (fewer than two units), or ``None``."""
    check_lang(lang)
    n = int(scores.loc[scores["year"] == int(year), "unit_id"].nunique())
    return None if n >= MIN_UNITS else text("too_few", lang, year=year, n=n)


def one_year_note(scores: pd.DataFrame, *, year: int, lang: str = "vi") -> str | None:
    """What the cards leave out when the data has no year before ``year``, or ``None``."""
    if any(int(y) < int(year) for y in pd.unique(scores["year"])):
        return None
    return text("one_year", lang, year=year)


def recommended_peer_ranks(scores: pd.DataFrame, *, year: int, n_draws: int = 500, seed: int = 0):
    """Every unit's rank in its peer group under the recommended scheme (the one notebook 03
    recommends), or ``None`` when there are too few units to compare schemes."""
    from ..peers import compare_schemes, peer_rank, recommended_scheme, resolve_schemes
    from ..peers.findings import too_few_units as peers_too_few

    if peers_too_few(scores, year=year):
        return None
    schemes = resolve_schemes([], k=3)
    comparison = compare_schemes(scores, schemes, n_draws=n_draws, seed=seed, year=year)
    return peer_rank(scores, recommended_scheme(comparison, schemes), year=year)


def survey_flags(survey_path: str, data_path: str, *, year: int, lang: str = "vi", scores=None):
    """The survey-quality flags of ``year`` (one row per unit, from
    :func:`cchc_analysis.survey_quality`) and whether the survey is synthetic; ``(None,
    False)`` without a survey (``survey_path`` ``"none"``, or empty with a user's data)."""
    from ..survey import survey_quality
    from ..survey.findings import survey_for_year

    if str(survey_path).strip().lower() == "none":
        return None, False
    responses, synthetic, _reason = survey_for_year(survey_path, data_path, year=year, lang=lang, scores=scores)
    if responses is None:
        return None, synthetic
    return survey_quality(responses), synthetic


def make_scorecards(scores: pd.DataFrame, *, year: int | None = None, intervals: pd.DataFrame | None = None,
                    peer_ranks: pd.DataFrame | None = None, survey_flags: pd.DataFrame | None = None,
                    lang: str = "vi") -> list[Scorecard]:
    """The scorecard of every unit of ``year`` (shared tables computed once), best rank first."""
    check_lang(lang)
    ctx = scorecard_context(scores, year=year, intervals=intervals, peer_ranks=peer_ranks, lang=lang)
    cur = ctx["index"][ctx["index"]["year"] == ctx["year"]].sort_values(["rank", "unit_id"], kind="stable")
    flags = ({u: g for u, g in survey_flags.groupby("unit_id", sort=False)}
             if survey_flags is not None and "unit_id" in survey_flags else {})
    return [unit_scorecard(scores, unit=u, survey_flags=flags.get(u), lang=lang, context=ctx) for u in cur["unit_id"]]


def scorecard_findings(cards: list[Scorecard], *, lang: str = "vi", synthetic: bool = False) -> list[str]:
    """Three or four sentences for the front page: how many cards, the spread, the criterion
    where most units lose most, how close the next rank is (and whether that is noise)."""
    check_lang(lang)
    if not cards:
        return []
    n, year = len(cards), cards[0].year
    idx = np.array([c.index for c in cards])
    out = [text("f_count", lang, n=fmt_int(n, lang), year=year, lo=fmt_number(idx.min(), lang, 2, strip=True),
                hi=fmt_number(idx.max(), lang, 2, strip=True),
                n90=fmt_int(int((np.round(idx, 9) >= 90).sum()), lang))
           + (text("f_synthetic", lang) if synthetic else "")]
    tops = [(c.lost.iloc[0]["criterion"], c.lost.iloc[0].get("criterion_name")) for c in cards
            if c.lost is not None and len(c.lost)]
    if tops:
        counts = pd.Series([t[0] for t in tops]).value_counts()
        crit = str(counts.index[0])
        name = next((nm for c, nm in tops if c == crit), None)
        out.append(text("f_top_loss", lang, crit=criterion_label(crit, name), k=fmt_int(int(counts.iloc[0]), lang),
                        n=fmt_int(n, lang)))
    nxt = []
    for c in cards:
        if c.needed is None:
            continue
        r = c.needed[(c.needed["target_kind"] == "rank") & c.needed["reachable"].astype(bool)]
        if len(r):
            nxt.append((float(r.iloc[0]["points_needed"]), c, r.iloc[0]))
    if nxt:
        med = float(np.median([x[0] for x in nxt]))
        noisy = sum(1 for _, c, r in nxt if np.isfinite(c.rank_lo) and c.rank_lo <= int(r["target"]))
        s = text("f_next", lang, k=fmt_int(len(nxt), lang), med=fmt_number(ceil_points(med), lang, 2, strip=True))
        if any(np.isfinite(c.rank_lo) for c in cards):
            s += text("f_noise", lang, m=fmt_int(noisy, lang), k=fmt_int(len(nxt), lang))
        out.append(s)
    moved = [c for c in cards if c.change and c.causes is not None and len(c.causes)]
    cause = None
    if moved:
        big = max(moved, key=lambda c: abs(c.change["index_change"]))
        cause = main_cause(big.causes, big.change["index_change"])
    if cause is not None:
        out.append(text("f_moved", lang, unit=big.unit_name, year_from=big.change["year_from"],
                        d=fmt_signed(big.change["index_change"], lang, 2, strip=True),
                        crit=criterion_label(cause["criterion"], cause.get("criterion_name")),
                        part=fmt_signed(cause["total"], lang, 2, strip=True)))
    return out


def add_section_blocks(sec, cards: list[Scorecard], *, unit_dir: str = UNIT_DIR) -> None:
    """The overview of every unit's card (index, rank, interval, change, where most was lost,
    points for the next rank, the page) and a note on where the files are."""
    lang = sec.lang
    sec.heading(text("h_overview", lang))
    sec.text(text("overview_intro", lang, dir=unit_dir))
    ov = overview_table(cards, lang=lang, link_dir=unit_dir)
    cols = ["unit_name", "index", "rank", "rank_interval", "index_change", "top_loss", "next_rank_text", "page", "word"]
    if ov["index_change"].isna().all():
        cols.remove("index_change")
    if (ov["rank_interval"] == "—").all():
        cols.remove("rank_interval")
    sec.table(ov, name="scorecards", caption=text("cap_overview", lang), columns=cols, display_rows=None,
              kinds={"rank_interval": "text", "top_loss": "text", "page": "url", "word": "url", "index_change": "signed",
                     "next_rank_text": "text"},
              headers={"next_rank_text": text("h_points_next", lang), "rank_interval": text("h_interval_short", lang),
                       "top_loss": text("h_top_loss", lang), "index_change": text("h_index_change", lang)},
              notes=[text("needed_note", lang)])


def write_unit_files(cards: list[Scorecard], output_dir: str | os.PathLike | None, *, lang: str = "vi",
                     synthetic: bool = False) -> list[Path]:
    """Write every card as ``<output_dir>/don-vi/<unit_id>.html`` and ``.docx`` plus one
    combined Word document (nothing when ``output_dir`` is empty: interactive use)."""
    if not output_dir or not cards:
        return []
    return write_scorecards(cards, Path(output_dir) / UNIT_DIR, lang=lang, synthetic=synthetic)
