"""Survey diagnostics (notebook 04): survey points, signs of formal filling, scale
reliability, criteria that no longer discriminate, the survey against the appraisal.

Submodules: :mod:`.points`, :mod:`.quality`, :mod:`.discrimination` (these take *scores*),
:mod:`.plots`. The reader lives in :mod:`cchc_analysis.io.survey` and the synthetic survey
in :mod:`cchc_analysis.synthetic.survey`; both are re-exported here so the old imports
(``cchc_analysis.survey.read_survey`` …) keep working.
"""

from ..io.survey import OPTIONAL_COLUMNS, SURVEY_COLUMNS, read_survey, validate_survey
from ..stats import cronbach_alpha, icc1, rwg_j
from ..synthetic.survey import make_synthetic_survey, synthetic_survey_questions, write_synthetic_survey
from .discrimination import criteria_discrimination, criteria_table, survey_vs_appraisal
from .points import survey_points
from .quality import item_statistics, quality_table, survey_quality, survey_reliability, survey_summary
from . import findings  # noqa: F401  (the page in words)

__all__ = [
    "SURVEY_COLUMNS",
    "OPTIONAL_COLUMNS",
    "read_survey",
    "validate_survey",
    "survey_points",
    "cronbach_alpha",
    "icc1",
    "rwg_j",
    "survey_quality",
    "survey_reliability",
    "item_statistics",
    "quality_table",
    "criteria_table",
    "survey_vs_appraisal",
    "criteria_discrimination",
    "survey_summary",
    "synthetic_survey_questions",
    "make_synthetic_survey",
    "write_synthetic_survey",
]
