"""Calibration of the few-task bias audit: size, power and accuracy by simulation.

``python -m cchc_analysis.bias.calibration`` (``make calibrate``) prints the table and writes
it atomically to ``data/processed/calibration_few_task_bias.csv`` (never to
``data/raw/``). It takes a few minutes on 2 cores; ``--worlds`` sets the number of
simulated datasets per scenario.

Scenarios (each world: one year, 20-60 units, size drawn uniformly)
------------------------------------------------------------------
``null_ministry``
    :func:`cchc_analysis.synthetic.make_synthetic_scores` with ``composition=0``:
    task criteria are on average as hard as generic ones; ability is independent of
    workload. Busy units (Cục) have harder criteria in the logistic model's steep
    region, so their indices spread differently from the Vụ: heteroscedastic.
    Caveat: the three *saturated* criteria (``d = −6``) are generic, so few-task units
    keep a very small real advantage even here (mean ρ ≈ −0.02); a rejection rate
    slightly above α is therefore not a failure of the test.
``null_heteroscedastic``
    A stress world with an exact null for both mean and ranks:
    ``index_u = 80 + 2 θ_u + 3 √(70 / M_u) ε_u`` with ``θ_u, ε_u ~ N(0, 1)`` and the
    applicable maximum ``M_u ~ U(4, 12)`` for a fifth of the units (very few tasks)
    and ``U(40, 70)`` for the rest: small units are up to 4 × more variable and sit
    at one end. This is where the plain permutation test of ρ fails.
``composition_0.5`` / ``composition_1.0``
    ``make_synthetic_scores`` with the composition mechanism at half and full
    strength (1.0 is the bundled ministry's: task criteria harder by 2.5 logits).
    The primary test's rejection rate is its power.

Metrics
-------
``reject_<test>``: share of worlds in which each row of
:func:`cchc_analysis.bias.few_task_bias` rejects at α (``n_perm`` permutations);
``reject_association_plain``: the same with the plain (unstudentized) permutation
test of ρ, for comparison; ``reject_association_one_sided``: the studentized test
with ``alternative="less"`` (few-task units favoured) — in ``null_ministry`` it picks
up the saturated criteria's small real advantage (see above), so its size is read
in ``null_heteroscedastic``; ``truth_rho_<index>``: mean over worlds of Spearman's ρ
between the true ability and the raw, standardised and shrunk indices
(ministry scenarios). Each rate comes with its Monte Carlo standard error
``√(r(1−r)/W)``; ``ok`` says whether a null rate is within ``α ± 0.02``.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

import numpy as np
import pandas as pd
from scipy import stats

from ..config import PROCESSED_DIR
from ..outputs import write_csv
from ..stats import studentized_spearman
from ..synthetic import make_synthetic_scores
from .adjusted import shrunk_index, standardised_index
from .battery import few_task_bias

__all__ = ["run_calibration", "calibration_table", "calibration_summary", "CALIBRATION_FILE", "SCENARIOS"]

CALIBRATION_FILE = PROCESSED_DIR / "calibration_few_task_bias.csv"
SCENARIOS = ("null_ministry", "null_heteroscedastic", "composition_0.5", "composition_1.0")
_COMPOSITION = {"null_ministry": 0.0, "composition_0.5": 0.5, "composition_1.0": 1.0}
_N_RANGE = (20, 60)


def _n_units(rng) -> tuple[int, int, int]:
    n = int(rng.integers(_N_RANGE[0], _N_RANGE[1] + 1))
    n_cuc = (n - 2) // 2
    return n, n_cuc, n - 2 - n_cuc


def _ministry_world(scenario: str, i: int, seed: int, alpha: float, n_perm: int) -> dict:
    rng = np.random.default_rng([seed, i, 11])
    n, n_cuc, n_vu = _n_units(rng)
    scores, truth = make_synthetic_scores(
        seed * 100_003 + i, n_cuc=n_cuc, n_vu=n_vu, years=(2023,),
        composition=_COMPOSITION[scenario], return_truth=True)
    res = few_task_bias(scores, alpha=alpha, n_perm=n_perm, seed=[seed, i], lang="en")
    out = {f"reject_{t}": float(r) for t, r in zip(res["test"], res["reject"])}
    out["rho"] = float(res.loc[0, "effect_size"])
    std = standardised_index(scores)
    shr = shrunk_index(scores)
    shr_c = shrunk_index(scores, trials="criteria")
    m = truth[["unit_id", "ability"]].merge(std[["unit_id", "index", "index_adjusted"]], on="unit_id")
    m = m.merge(shr[["unit_id", "index_shrunk"]], on="unit_id")
    m = m.merge(shr_c[["unit_id", "index_shrunk"]].rename(columns={"index_shrunk": "shrunk_c"}), on="unit_id")
    for name, col in (("raw", "index"), ("standardised", "index_adjusted"),
                      ("shrunk", "index_shrunk"), ("shrunk_criteria", "shrunk_c")):
        out[f"truth_rho_{name}"] = float(stats.spearmanr(m["ability"], m[col])[0])
    # the plain permutation test of rho on the same data, for comparison
    sizes = std[std["max_points"] > 0]
    a = studentized_spearman(sizes["max_points"], sizes["index"], n_perm=n_perm, seed=[seed, i])
    out["reject_association_plain"] = float(a["p_val_plain"] <= alpha)
    one = studentized_spearman(sizes["max_points"], sizes["index"], n_perm=n_perm, seed=[seed, i],
                               alternative="less")
    out["reject_association_one_sided"] = float(one["p_val"] <= alpha)
    out["n"] = n
    return out


def _hetero_world(i: int, seed: int, alpha: float, n_perm: int) -> dict:
    rng = np.random.default_rng([seed, i, 13])
    n = int(rng.integers(_N_RANGE[0], _N_RANGE[1] + 1))
    small = rng.uniform(size=n) < 0.2
    m = np.where(small, rng.uniform(4, 12, n), rng.uniform(40, 70, n))
    y = 80 + 2 * rng.normal(size=n) + 3 * np.sqrt(70 / m) * rng.normal(size=n)
    a = studentized_spearman(m, y, n_perm=n_perm, seed=[seed, i])
    one = studentized_spearman(m, y, n_perm=n_perm, seed=[seed, i], alternative="less")
    return {"reject_association": float(a["p_val"] <= alpha),
            "reject_association_plain": float(a["p_val_plain"] <= alpha),
            "reject_association_one_sided": float(one["p_val"] <= alpha),
            "rho": a["rho"], "n": n}


def run_calibration(
    *,
    n_worlds: int = 1_000,
    n_worlds_power: int = 500,
    alpha: float = 0.05,
    n_perm: int = 999,
    seed: int = 0,
    scenarios=SCENARIOS,
    progress: bool = False,
) -> pd.DataFrame:
    """Run the simulation study (see the module notes for the model of each scenario).

    Parameters
    ----------
    n_worlds : datasets per null scenario.
    n_worlds_power : datasets per composition scenario.
    alpha : significance level.
    n_perm : permutations per test (999 is enough for a rejection rate at 0.05).
    seed : base seed; the same seed gives the same table.
    scenarios : subset of :data:`SCENARIOS`.
    progress : print one line per scenario.

    Returns
    -------
    DataFrame
        ``scenario, metric, value, mc_se, n_worlds, alpha, target, ok`` (tidy, one row
        per scenario and metric). ``target`` is ``"alpha ± 0.02"`` for the primary
        test's rate in the null scenarios (``ok`` then says whether it holds),
        ``"power"`` / ``"higher is better"`` / ``""`` otherwise.

    Examples
    --------
    >>> t = run_calibration(n_worlds=3, n_worlds_power=2, n_perm=99, scenarios=("null_heteroscedastic",))
    >>> sorted(t["metric"])  # doctest: +NORMALIZE_WHITESPACE
    ['mean_n_units', 'mean_rho', 'reject_association', 'reject_association_one_sided',
     'reject_association_plain']
    """
    unknown = [s for s in scenarios if s not in SCENARIOS]
    if unknown:
        raise ValueError(f"Unknown scenario(s) {unknown}; allowed: {list(SCENARIOS)}")
    rows = []
    for sc in scenarios:
        t0 = time.perf_counter()
        null = sc.startswith("null")
        w = n_worlds if null else n_worlds_power
        if sc == "null_heteroscedastic":
            res = [_hetero_world(i, seed, alpha, n_perm) for i in range(w)]
        else:
            res = [_ministry_world(sc, i, seed, alpha, n_perm) for i in range(w)]
        df = pd.DataFrame(res)
        for metric in df.columns:
            v = df[metric].to_numpy(float)
            v = v[np.isfinite(v)]
            value = float(v.mean()) if len(v) else np.nan
            if metric.startswith("reject_"):
                se = float(np.sqrt(value * (1 - value) / len(v)))
            else:
                se = float(v.std(ddof=1) / np.sqrt(len(v))) if len(v) > 1 else np.nan
            target, ok = "", None
            if metric == "reject_association":
                if null:
                    target = "alpha ± 0.02"
                    ok = bool(abs(value - alpha) <= 0.02)
                else:
                    target = "power"
            elif metric.startswith("truth_rho"):
                target = "higher is better"
            name = "mean_n_units" if metric == "n" else ("mean_rho" if metric == "rho" else metric)
            rows.append({"scenario": sc, "metric": name, "value": value, "mc_se": se,
                         "n_worlds": len(v), "alpha": alpha, "target": target, "ok": ok})
        if progress:
            print(f"  {sc}: {w} worlds in {time.perf_counter() - t0:.1f} s", flush=True)
    return pd.DataFrame(rows)


def calibration_table(*, path=None, n_worlds: int = 40, seed: int = 0) -> pd.DataFrame:
    """The precomputed calibration table if it exists, otherwise a small fresh run.

    Parameters
    ----------
    path : CSV written by ``python -m cchc_analysis.bias.calibration``
        (default :data:`CALIBRATION_FILE`).
    n_worlds : worlds per scenario of the small run (when no file exists).
    seed : seed of the small run.

    Returns
    -------
    DataFrame
        The table of :func:`run_calibration` plus a column ``source``
        (``"precomputed"`` or ``"small run (n worlds)"``).
    """
    p = Path(path) if path is not None else CALIBRATION_FILE
    if p.exists():
        t = pd.read_csv(p, encoding="utf-8-sig")
        t["source"] = "precomputed"
        return t
    t = run_calibration(n_worlds=n_worlds, n_worlds_power=n_worlds, seed=seed)
    t["source"] = f"small run ({n_worlds} worlds)"
    return t


_SUMMARY = {
    "reject_association": "primary_rejection_rate",
    "reject_association_plain": "plain_permutation_rejection_rate",
    "reject_association_one_sided": "one_sided_rejection_rate",
    "truth_rho_raw": "truth_rho_raw",
    "truth_rho_standardised": "truth_rho_standardised",
    "truth_rho_shrunk": "truth_rho_shrunk",
}


def calibration_summary(table: pd.DataFrame) -> pd.DataFrame:
    """One row per scenario with the numbers that matter (from :func:`run_calibration`).

    Returns
    -------
    DataFrame
        ``scenario, n_worlds, primary_rejection_rate, primary_mc_se,
        plain_permutation_rejection_rate, one_sided_rejection_rate, truth_rho_raw, truth_rho_standardised,
        truth_rho_shrunk, ok`` (``ok``: null scenarios only, rate within α ± 0.02).

    Examples
    --------
    >>> t = run_calibration(n_worlds=3, n_perm=99, scenarios=("null_heteroscedastic",))
    >>> calibration_summary(t).columns[:3].tolist()
    ['scenario', 'n_worlds', 'primary_rejection_rate']
    """
    rows = []
    for sc, g in table.groupby("scenario", sort=False):
        m = g.set_index("metric")
        row = {"scenario": sc,
               "n_worlds": int(m.loc["reject_association", "n_worlds"]) if "reject_association" in m.index else 0}
        for metric, name in _SUMMARY.items():
            row[name] = float(m.loc[metric, "value"]) if metric in m.index else np.nan
            if metric == "reject_association":
                row["primary_mc_se"] = float(m.loc[metric, "mc_se"]) if metric in m.index else np.nan
        ok = m.loc["reject_association", "ok"] if "reject_association" in m.index else None
        row["ok"] = None if ok is None or (isinstance(ok, float) and np.isnan(ok)) or ok == "" else bool(ok in (True, "True"))
        rows.append(row)
    cols = ["scenario", "n_worlds", "primary_rejection_rate", "primary_mc_se",
            "plain_permutation_rejection_rate", "one_sided_rejection_rate", "truth_rho_raw", "truth_rho_standardised",
            "truth_rho_shrunk", "ok"]
    return pd.DataFrame(rows)[cols]


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description="Calibration of the few-task bias audit (simulation).")
    parser.add_argument("--worlds", type=int, default=1_000, help="datasets per null scenario (default 1000)")
    parser.add_argument("--worlds-power", type=int, default=500, help="datasets per power scenario (default 500)")
    parser.add_argument("--n-perm", type=int, default=999)
    parser.add_argument("--alpha", type=float, default=0.05)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--no-write", action="store_true", help="print only, write no file")
    args = parser.parse_args(argv)
    t0 = time.perf_counter()
    print(f"Calibration: {args.worlds} null worlds, {args.worlds_power} power worlds, "
          f"{args.n_perm} permutations, alpha = {args.alpha}")
    table = run_calibration(n_worlds=args.worlds, n_worlds_power=args.worlds_power, alpha=args.alpha,
                            n_perm=args.n_perm, seed=args.seed, progress=True)
    with pd.option_context("display.width", 160, "display.max_rows", 200):
        print(table.to_string(index=False, float_format=lambda v: f"{v:.4f}"))
    if not args.no_write:
        print(f"wrote {write_csv(table, CALIBRATION_FILE)}")
    print(f"total {time.perf_counter() - t0:.0f} s")
    bad = table[(table["ok"] == False)]  # noqa: E712
    return 1 if len(bad) else 0


if __name__ == "__main__":
    raise SystemExit(main())
