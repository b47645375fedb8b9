"""Per-unit scorecards (issue 16): cards + HTML + Word for 36 and 700 units, points_needed at commune scale.

Targets: 36 units (the bundled ministry, three years) HTML + docx ≤ 10 s; 700 units (a
province's communes, two years × 100 criteria) ≤ 60 s; ``points_needed`` for every unit ×
3 targets on 3,321 units × 100 criteria ≤ 2 s. Each time covers the whole job after the
scores are read: the shared context, every card, every chart, every HTML page and Word file
and the combined Word file (rank intervals and peer ranks are not included: they are the
notebooks 01/03 computations, timed in bench_trends). Baselines, in the same run: the
first writer (``bench/_scorecard_pages_v0.py``: the chart redrawn for every unit,
python-docx styles looked up by name, every table formatted twice), on the same cards (at
700 units measured on 100 cards and scaled), and ``points_needed`` called once per unit
(200 units, scaled).
"""

from __future__ import annotations

import shutil
import tempfile
import time
from pathlib import Path

import pandas as pd

from bench.bench_trends import make_scores


def _t(f, *a, **k):
    t0 = time.perf_counter()
    out = f(*a, **k)
    return time.perf_counter() - t0, out


def _two_years(n_units: int, seed: int = 1) -> pd.DataFrame:
    """``make_scores`` for 2022 and 2023, with some criteria switching to/from không phát sinh."""
    a = make_scores(n_units=n_units, n_crit=100, seed=seed).assign(year=2022)
    b = make_scores(n_units=n_units, n_crit=100, seed=seed + 1)
    return pd.concat([a, b], ignore_index=True)


def _job(scores, out: Path, *, write) -> int:
    from cchc_analysis.scorecard.section import make_scorecards

    cards = make_scorecards(scores)
    write(cards, out, lang="vi", synthetic=True)
    return len(cards)


def run() -> list[dict]:
    from cchc_analysis import make_synthetic_scores
    from cchc_analysis.scorecard import points_needed
    from cchc_analysis.scorecard.pages import write_scorecards
    from cchc_analysis.scorecard.section import make_scorecards

    from bench._scorecard_pages_v0 import write_scorecards as write_v0

    rows = []
    tmp = Path(tempfile.mkdtemp(prefix="bench-scorecard-"))
    try:
        # warm the imports (matplotlib, python-docx) so that they are not counted
        small = make_synthetic_scores(n_cuc=2, n_vu=1, years=(2023,))
        _job(small, tmp / "warm", write=write_scorecards)
        _job(small, tmp / "warm0", write=write_v0)

        s36 = make_synthetic_scores()
        sec, n = _t(_job, s36, tmp / "a", write=write_scorecards)
        base, _ = _t(_job, s36, tmp / "a0", write=write_v0)
        docx = sorted((tmp / "a").glob("*.docx"))
        rows.append({"name": f"scorecards, {n} units × 3 years (HTML + docx)", "seconds": sec,
                     "files": len(list((tmp / "a").glob("*.html"))) + len(docx),
                     "baseline_seconds": round(base, 2), "ratio": round(base / sec, 1), "target": "<= 10 s"})

        s700 = _two_years(700)
        t_cards, cards = _t(make_scorecards, s700)
        t_write, _ = _t(write_scorecards, cards, tmp / "b", lang="vi", synthetic=True)
        sec = t_cards + t_write
        b_write, _ = _t(write_v0, cards[:100], tmp / "b0", lang="vi", synthetic=True)
        base = t_cards + b_write * len(cards) / 100
        rows.append({"name": f"scorecards, {len(cards)} units × 2 years × 100 criteria", "seconds": sec,
                     "cards_s": round(t_cards, 2), "write_s": round(t_write, 2),
                     "baseline_seconds": round(base, 1), "ratio": round(base / sec, 1), "target": "<= 60 s"})
    finally:
        shutil.rmtree(tmp, ignore_errors=True)

    s = make_scores(n_units=3321, n_crit=100, seed=1)
    sec, t = _t(points_needed, s, rank=["next", 5], index=90.0)
    units = s["unit_id"].unique()
    b0 = time.perf_counter()
    for u in units[:200]:
        points_needed(s, unit=u, rank=["next", 5], index=90.0)
    base = (time.perf_counter() - b0) * len(units) / 200
    rows.append({"name": f"points_needed, every unit × 3 targets, {len(units)} units", "seconds": sec,
                 "rows": len(t), "baseline_seconds": round(base, 2), "ratio": round(base / sec, 1),
                 "target": "<= 2 s"})
    return rows
