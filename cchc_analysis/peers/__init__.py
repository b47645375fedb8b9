"""Peer-group ranking schemes: design them, rank within them, compare them, recommend one.

A *scheme* says which units are ranked against each other. The official table is one
single league; the alternatives rank units within groups of similar applicable maximum
(bands of ``max_points``), within unit types (as the Ministry of Finance ranks its Tổng
cục, Cục and Vụ separately), within a user mapping, or keep one league but rank on an
adjusted index (the standardised or the shrunk index of :mod:`cchc_analysis.bias`).

A scheme is a small frozen :class:`Scheme`: a ``name``, an ``assign`` function taking one
year's index frame (``year, unit_id, [unit_type], max_points, index, score``) and
returning each unit's ``peer_group``, and the ``score`` column ranked on (``"index"``,
``"index_adjusted"`` or ``"index_shrunk"``). Band schemes also carry ``cuts``, the function
giving their cut points on ``max_points`` (a unit with ``max_points <= cut`` lies below it).

Definitions used throughout
---------------------------
rank, n_in_group
    Competition rank (1 = best, ties share the best rank, as officially) of ``score``
    within the unit's group and year; ``n_in_group`` = ranked units in the group.
rank_pct
    Within-group rank percentile ``(rank - 1) / (n_in_group - 1)``: 0 = best of its group,
    1 = last; 0.5 for a group of one (neither best nor worst). It puts ranks in groups of
    different sizes on one scale.
implied order
    The overall order a grouped scheme implies: units sorted by ``rank_pct`` (best first),
    then by ``score`` (higher first), then by ``unit_id``. It is what a reader of several
    group tables side by side would call "the first, the second, …".
fairness
    Spearman correlation between ``rank_pct`` and the applicable maximum ``max_points``
    over all ranked units of the year. 0 = a unit's standing does not depend on how many
    tasks it has; **positive = few-task units favoured** (small maximum, good rank);
    negative = many-task units favoured.
stability
    Mean width of the Monte Carlo ``confidence`` (default 95 %) intervals of ``rank_pct``: each
    applicable criterion's achievement ``p = points / max_points`` is resampled as
    ``max_points * Binomial(n_trials, p) / n_trials`` (``n_trials = 4`` effective trials per
    criterion, as a criterion scored in quarters), the index and the scheme's score are
    recomputed for every draw, and units are re-ranked within their (fixed) groups.
    Smaller = more stable. Groups depend on the applicable maximum or the unit type, not
    on results, so they are held fixed across draws; the adjustment of an adjusted score
    (expected index, shrinkage weight and prior) is held at its estimate.
kendall_tau, footrule
    Agreement of the scheme's implied order with the official single league's order:
    Kendall's τ (``scipy.stats.kendalltau``; 1 = same order) and the Spearman footrule
    ``Σ |pos₁ − pos₂|`` divided by its maximum ``⌊n²/2⌋`` (0 = same order, 1 = as far as
    possible; Diaconis–Graham: K ≤ F ≤ 2K with K the number of discordant pairs).
top_k_few_task_share
    Share of few-task units (applicable maximum below the year's median) among the first
    ``top_k`` of the implied order.
cut_sensitivity, cut_moved_share (band schemes only, NaN otherwise)
    Each cut point is moved by ± 5 % of the range of ``max_points`` (one at a time, both
    ways); ``cut_moved_share`` is the mean share of units that change group and
    ``cut_sensitivity`` the mean over units and moves of ``|Δ rank_pct|``.

Sources: Goldstein & Spiegelhalter (1996) for simulated rank intervals; Diaconis &
Graham (1977) for the footrule; Fisher (1958) / Jenks (1967) for natural breaks.

Layout: :mod:`~cchc_analysis.peers.schemes` (the schemes and their names),
:mod:`~cchc_analysis.peers.league` (ranking within groups), :mod:`~cchc_analysis.peers.intervals`
(Monte Carlo rank-percentile intervals), :mod:`~cchc_analysis.peers.compare` (metrics and the
recommendation), :mod:`~cchc_analysis.peers.plots`.
"""

from .compare import compare_schemes, recommendation, recommendation_text, recommended_scheme
from .intervals import peer_rank_intervals, rank_intervals, rank_sets
from .league import peer_rank, rank_table
from . import findings  # noqa: F401  (the page in words)
from .schemes import (
    SCORES,
    Scheme,
    builtin_schemes,
    by_mapping,
    by_max_band,
    by_unit_type,
    natural_breaks,
    resolve_schemes,
    scheme_label,
    shrunk_league,
    single_league,
    standardised_league,
)

__all__ = [
    "Scheme",
    "single_league",
    "by_unit_type",
    "by_max_band",
    "by_mapping",
    "standardised_league",
    "shrunk_league",
    "builtin_schemes",
    "resolve_schemes",
    "natural_breaks",
    "peer_rank",
    "peer_rank_intervals",
    "rank_sets",
    "rank_intervals",  # deprecated alias of peer_rank_intervals (FutureWarning)
    "compare_schemes",
    "recommendation",
    "rank_table",
    "recommended_scheme",
    "scheme_label",
    "recommendation_text",
    "SCORES",
]
