"""survey_quality at commune scale (3,321 units × 20 respondents × 14 questions), growth, and recall/precision.

Target (issue 15): ≤ 3 s at 3,321 units, growth linear or better (log–log slope over
n = 36, 200, 1,000, 3,321). The baseline is the pre-issue-15 implementation (a per-unit
loop with a per-respondent ``_duplicates`` loop, frozen in ``bench/_survey_quality_v0.py``)
on the same world, in the same run. Issue 20's target: recall ≥ 0.9 and precision ≥ 0.9
of planted noisy copies (flip rate 0.2), on seeded worlds from
``cchc_analysis.synthetic.make_survey_world``; printed next to the old rule (``near_share=0``).
"""

from __future__ import annotations

import time

import numpy as np

from cchc_analysis.survey import survey_quality
from cchc_analysis.synthetic import make_survey_world

SIZES = (36, 200, 1_000, 3_321)


def _time(f, *args, repeat=1, **kw):
    best = np.inf
    for _ in range(repeat):
        t = time.perf_counter()
        out = f(*args, **kw)
        best = min(best, time.perf_counter() - t)
    return best, out


def slope(ns, secs) -> float:
    """Fitted log–log slope of time against size (1 = linear)."""
    return float(np.polyfit(np.log(ns), np.log(secs), 1)[0])


def _rp(q, truth):
    m = q.merge(truth, on=["year", "unit_id"], validate="1:1")
    tp = int((m["planted"] & m["suspect_formal"]).sum())
    return tp / max(int(m["planted"].sum()), 1), tp / max(int(m["suspect_formal"].sum()), 1)


def run() -> list[dict]:
    from bench._survey_quality_v0 import survey_quality as baseline

    rows, secs = [], []
    for n in SIZES:
        s, _ = make_survey_world(n, n_respondents=20, modes=("noisy_copy", "straightline", "burst"), seed=n)
        t, _ = _time(survey_quality, s, repeat=2 if n < 3_321 else 1)
        secs.append(t)
        row = {"name": f"survey_quality, {n:,} units ({len(s):,} answers)", "seconds": t}
        if n in (200, 3_321):
            tb, _ = _time(baseline, s)
            row.update(baseline_seconds=round(tb, 3), ratio=round(tb / t, 1))
        if n == 3_321:
            row["name"] += " (target <= 3 s)"
        rows.append(row)
    rows.append({"name": "survey_quality growth: log-log slope (<= 1 = linear or better)", "seconds": secs[-1],
                 "slope": round(slope(SIZES, secs), 2)})
    for flip in (0.1, 0.2, 0.3):
        rec = {}
        for label, kw in (("new", {}), ("old", {"near_share": 0})):
            r, p, t_all = [], [], 0.0
            for seed in range(5):
                s, truth = make_survey_world(400, flip_rate=flip, share_planted=0.1, seed=100 + seed)
                t, q = _time(survey_quality, s, **kw)
                t_all += t
                a, b = _rp(q, truth)
                r.append(a)
                p.append(b)
            rec[label] = (np.mean(r), np.mean(p), t_all)
        rows.append({"name": f"noisy copies, flip {flip}: 5 worlds x 400 units (target R, P >= 0.9 at 0.2)",
                     "seconds": rec["new"][2], "recall": round(rec["new"][0], 3), "precision": round(rec["new"][1], 3),
                     "old_rule_recall": round(rec["old"][0], 3), "old_rule_precision": round(rec["old"][1], 3)})
    return rows
