"""Ranking trends (notebook 01): trajectories, movers, why a unit moved, and how sure a rank is.

Submodules, one job each:

* :mod:`.breaks`: the documented methodology breaks of the national PAR INDEX;
* :mod:`.trajectory`: the unit table (ranks per year, lineage), ``rank_trajectory``, ``movers``;
* :mod:`.attribution`: ``rank_change_attribution`` (Shapley parts) and ``attribution_report``;
* :mod:`.intervals`: ``rank_intervals`` (Monte Carlo, bands, Mogstad sets), ``interval_model_text``;
* :mod:`.notebook`: loading and choosing for notebook 01 (``load_trend_data``, ``load_coverage``,
  ``resolve_years``, ``pick_unit``);
* :mod:`.plots`: bump, slope, interval and waterfall plots.
"""

from . import _labels  # noqa: F401  (registers the column labels)
from . import findings  # noqa: F401  (the page in words)
from .attribution import attribution_report, rank_change_attribution
from .breaks import break_note, breaks_between, methodology_breaks
from .intervals import (
    DEFAULT_RESPONDENTS_PUBLISHED,
    DEFAULT_RESPONDENTS_UNIT,
    DEFAULT_RESPONSE_SD,
    DEFAULT_TRIALS,
    interval_model_text,
    rank_intervals,
)
from .notebook import load_coverage, load_trend_data, pick_unit, resolve_years
from .trajectory import movers, rank_trajectory

__all__ = [
    "methodology_breaks",
    "breaks_between",
    "break_note",
    "rank_trajectory",
    "movers",
    "rank_change_attribution",
    "attribution_report",
    "rank_intervals",
    "interval_model_text",
    "load_trend_data",
    "load_coverage",
    "resolve_years",
    "pick_unit",
    "DEFAULT_TRIALS",
    "DEFAULT_RESPONSE_SD",
    "DEFAULT_RESPONDENTS_UNIT",
    "DEFAULT_RESPONDENTS_PUBLISHED",
]
