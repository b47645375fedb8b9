"""Reading and validating input files into the canonical tidy tables, and the blank template.

:func:`read_scores` / :func:`validate_scores` (:mod:`.scores`) and :func:`read_survey` /
:func:`validate_survey` (:mod:`.survey`) share one tabular layer (:mod:`._tabular`: file
checks, CSV sniffing, workbooks, header search, column aliases, located problems). Both
readers set ``attrs["synthetic"]`` from the file's own metadata.
"""

from .scores import NA_MARKERS, SCORE_COLUMNS, check_scores, read_scores, validate_scores
from .survey import OPTIONAL_COLUMNS, SURVEY_COLUMNS, read_survey, validate_survey
from .template import write_summary_template, write_template

__all__ = [
    "SCORE_COLUMNS",
    "NA_MARKERS",
    "read_scores",
    "validate_scores",
    "check_scores",
    "write_template",
    "write_summary_template",
    "SURVEY_COLUMNS",
    "OPTIONAL_COLUMNS",
    "read_survey",
    "validate_survey",
]
