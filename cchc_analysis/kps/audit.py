"""Audit of the không phát sinh declarations."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from ._frame import check_scores, pick_year

__all__ = ["KpsAudit", "kps_audit"]

#: 1.4826 × MAD estimates the standard deviation of normal data.
_MAD_SCALE = 1.4826
#: Floor of the robust spread of excluded shares (2 % of the potential maximum), so a type
#: in which every unit excludes exactly the same share does not give infinite z-scores.
_MIN_SPREAD = 0.02


@dataclass
class KpsAudit:
    """Result of :func:`kps_audit`.

    Attributes
    ----------
    flags : DataFrame
        One row per unit × criterion declared not arising where at least ``threshold`` of
        the other units of the same peer group have it applicable: ``year, unit_id,
        unit_name, peer_group, criterion, criterion_name, field, max_points, peer_share,
        n_peers, points_at_stake``. ``peer_share`` is the share of the *other* units of
        the group that have the criterion applicable; ``points_at_stake`` is the
        criterion's maximum times the peers' mean achievement rate on it (what the unit
        would have added to its points had it scored like its peers).
    units : DataFrame
        One row per unit: ``year, unit_id, unit_name, peer_group, potential_max,
        applicable_max, excluded_share, group_median, robust_z, n_flagged, n_flipped``.
    flips : DataFrame
        One row per unit × criterion whose status changed since the previous year in the
        data: ``year, unit_id, unit_name, criterion, criterion_name, was_applicable,
        is_applicable, max_points``.
    year, threshold, by : the arguments used.
    """

    flags: pd.DataFrame
    units: pd.DataFrame
    flips: pd.DataFrame
    year: int
    threshold: float
    by: str


def _names(scores: pd.DataFrame, col: str, key: str) -> dict:
    if col not in scores.columns:
        return {}
    first = ~scores[key].duplicated()
    return dict(zip(scores.loc[first, key], scores.loc[first, col]))


def kps_audit(scores: pd.DataFrame, *, year=None, by: str = "unit_type", threshold: float = 0.8,
              min_peers: int = 3) -> KpsAudit:
    """Which không phát sinh declarations deserve a second look.

    Parameters
    ----------
    scores : canonical scores table (:func:`cchc_analysis.read_scores`).
    year : the year audited (default: the latest year in the data).
    by : column that defines the peer group of a unit, ``"unit_type"`` by default (a
        Cục is compared with the other Cục, a Vụ with the other Vụ: criteria sets are
        built per type, so a criterion that never arises for Vụ says nothing about a
        Cục). Any column constant within a unit works (e.g. a user's own grouping).
    threshold : a declaration is flagged when at least this share of the *other* units of
        the group have the criterion applicable.
    min_peers : a group with fewer other units than this (e.g. the one Thanh tra) is not
        judged: its flags would rest on one or two units.

    Returns
    -------
    KpsAudit
        ``flags`` (unit × criterion to review), ``units`` (excluded share of the potential
        maximum against the group median, robust z = (share − median) / (1.4826 × MAD),
        with the spread floored at 0.02), ``flips`` (status changes since the previous year).

    Notes
    -----
    The potential maximum of a unit is the sum of the maxima of every criterion listed for
    it (applicable or not); the excluded share is ``1 − applicable max / potential max``.

    **What a flag does not prove.** A flag says the unit differs from its peers, not that
    the declaration is wrong: a unit may truly have no such task (the Vụ Khoa học công
    nghệ of the seed data issues no legal documents of its own; a Cục without public
    services has no one-stop shop). Flags are candidates for the appraisal council to ask
    about, with the evidence the unit filed.

    Examples
    --------
    >>> s = pd.DataFrame({"year": 2023, "unit_id": np.repeat(list("abcde"), 2),
    ...     "unit_type": "vu", "criterion": ["1.1", "1.2"] * 5, "max_points": 2.0,
    ...     "points": [2, 1, 2, 2, 1, 2, 2, 1, 2, np.nan],
    ...     "applicable": [True] * 9 + [False]})
    >>> a = kps_audit(s)
    >>> a.flags[["unit_id", "criterion", "peer_share", "points_at_stake"]]
      unit_id criterion  peer_share  points_at_stake
    0       e       1.2         1.0              1.5
    >>> float(a.units.set_index("unit_id").loc["e", "excluded_share"])
    0.5
    """
    check_scores(scores)
    if not 0 < threshold <= 1:
        raise ValueError(f"`threshold` must be in (0, 1], but {threshold!r} was passed.")
    if by not in scores.columns:
        raise ValueError(f"`scores` has no column {by!r} to group units by.")
    year = pick_year(scores, year)
    s = scores[scores["year"] == year]
    unit_names = _names(scores, "unit_name", "unit_id")
    crit_names = _names(scores, "criterion_name", "criterion")
    group_of = dict(zip(s["unit_id"], s[by]))

    app = s["applicable"].to_numpy(bool)
    rate = np.where(app, s["points"].to_numpy(float) / s["max_points"].to_numpy(float), np.nan)
    # per group × criterion: units listing it, units with it applicable, sum of rates
    t = pd.DataFrame({"g": s[by].to_numpy(), "criterion": s["criterion"].to_numpy(), "app": app,
                      "rate": rate})
    agg = t.groupby(["g", "criterion"], sort=False).agg(
        n_list=("app", "size"), n_app=("app", "sum"), rate_sum=("rate", lambda r: np.nansum(r)))
    agg = agg.reset_index()
    kps = s.loc[~app, ["unit_id", "criterion", "max_points"] + (["field"] if "field" in s else [])].copy()
    kps["g"] = kps["unit_id"].map(group_of)
    kps = kps.merge(agg, on=["g", "criterion"], how="left")
    # leave the unit itself out: it lists the criterion and it is not applicable
    kps["n_peers"] = kps["n_list"] - 1
    with np.errstate(invalid="ignore", divide="ignore"):
        kps["peer_share"] = kps["n_app"] / kps["n_peers"]
        kps["peer_rate"] = kps["rate_sum"] / kps["n_app"]
    flagged = kps[(kps["n_peers"] >= min_peers) & (kps["peer_share"] >= threshold - 1e-12)].copy()
    flagged["points_at_stake"] = flagged["max_points"] * flagged["peer_rate"]
    flags = pd.DataFrame({
        "year": year,
        "unit_id": flagged["unit_id"].to_numpy(),
        "unit_name": flagged["unit_id"].map(unit_names).to_numpy() if unit_names else flagged["unit_id"].to_numpy(),
        "peer_group": flagged["g"].to_numpy(),
        "criterion": flagged["criterion"].to_numpy(),
        "criterion_name": flagged["criterion"].map(crit_names).to_numpy() if crit_names else None,
        "field": flagged["field"].to_numpy() if "field" in flagged else None,
        "max_points": flagged["max_points"].to_numpy(float),
        "peer_share": flagged["peer_share"].to_numpy(float),
        "n_peers": flagged["n_peers"].to_numpy(int),
        "points_at_stake": flagged["points_at_stake"].to_numpy(float),
    }).sort_values(["points_at_stake", "unit_id", "criterion"], ascending=[False, True, True],
                   kind="stable").reset_index(drop=True)

    # per unit: excluded share against the group
    mx = s["max_points"].to_numpy(float)
    u = pd.DataFrame({"unit_id": s["unit_id"].to_numpy(), "pot": mx, "appmax": np.where(app, mx, 0.0)})
    u = u.groupby("unit_id", sort=True).sum().reset_index()
    u["peer_group"] = u["unit_id"].map(group_of)
    u["excluded_share"] = 1.0 - u["appmax"] / u["pot"]
    med = u.groupby("peer_group")["excluded_share"].transform("median")
    mad = (u["excluded_share"] - med).abs().groupby(u["peer_group"]).transform("median")
    spread = np.maximum(_MAD_SCALE * mad.to_numpy(), _MIN_SPREAD)
    size = u.groupby("peer_group")["unit_id"].transform("size").to_numpy()
    z = (u["excluded_share"].to_numpy() - med.to_numpy()) / spread
    z = np.where(size - 1 >= min_peers, z, np.nan)

    # flips since the previous year present in the data
    years = sorted(int(y) for y in pd.unique(scores["year"]))
    prev = [y for y in years if y < year]
    if prev:
        p = scores[scores["year"] == prev[-1]][["unit_id", "criterion", "applicable"]]
        f = s[["unit_id", "criterion", "applicable", "max_points"]].merge(
            p, on=["unit_id", "criterion"], suffixes=("", "_prev"))
        f = f[f["applicable"].astype(bool) != f["applicable_prev"].astype(bool)]
        flips = pd.DataFrame({
            "year": year, "year_from": prev[-1],
            "unit_id": f["unit_id"].to_numpy(),
            "unit_name": f["unit_id"].map(unit_names).to_numpy() if unit_names else f["unit_id"].to_numpy(),
            "criterion": f["criterion"].to_numpy(),
            "criterion_name": f["criterion"].map(crit_names).to_numpy() if crit_names else None,
            "was_applicable": f["applicable_prev"].astype(bool).to_numpy(),
            "is_applicable": f["applicable"].astype(bool).to_numpy(),
            "max_points": f["max_points"].to_numpy(float),
        }).sort_values(["unit_id", "criterion"], kind="stable").reset_index(drop=True)
    else:
        flips = pd.DataFrame(columns=["year", "year_from", "unit_id", "unit_name", "criterion", "criterion_name",
                                      "was_applicable", "is_applicable", "max_points"])
    units = pd.DataFrame({
        "year": year,
        "unit_id": u["unit_id"].to_numpy(),
        "unit_name": u["unit_id"].map(unit_names).to_numpy() if unit_names else u["unit_id"].to_numpy(),
        "peer_group": u["peer_group"].to_numpy(),
        "potential_max": u["pot"].to_numpy(),
        "applicable_max": u["appmax"].to_numpy(),
        "excluded_share": u["excluded_share"].to_numpy(),
        "group_median": med.to_numpy(),
        "robust_z": z,
        "n_flagged": u["unit_id"].map(flags["unit_id"].value_counts()).fillna(0).astype(int).to_numpy(),
        "n_flipped": u["unit_id"].map(flips["unit_id"].value_counts()).fillna(0).astype(int).to_numpy(),
    })
    return KpsAudit(flags=flags, units=units, flips=flips, year=year, threshold=threshold, by=by)
