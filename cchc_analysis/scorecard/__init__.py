"""Per-unit scorecards: where a unit lost points, why its rank moved, what it would take."""

from .attribution import criterion_attribution
from . import words  # noqa: F401  (registers the labels)
from .card import Scorecard, scorecard_context, unit_scorecard
from .pages import overview_table, scorecard_section, write_scorecards
from .needed import cheapest_set, points_needed
from . import section  # noqa: F401  (the report section of notebook 07)

__all__ = ["points_needed", "cheapest_set", "criterion_attribution", "Scorecard", "unit_scorecard", "scorecard_context",
           "scorecard_section", "write_scorecards", "overview_table"]
