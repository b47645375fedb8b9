"""Reading and validating input files (scores, survey) and writing the blank template."""

from .scores import NA_MARKERS, SCORE_COLUMNS, check_scores, read_scores, validate_scores, write_template
from .survey import SURVEY_COLUMNS, read_survey, validate_survey

__all__ = [
    "SCORE_COLUMNS", "NA_MARKERS", "read_scores", "validate_scores", "check_scores", "write_template",
    "SURVEY_COLUMNS", "read_survey", "validate_survey",
]
