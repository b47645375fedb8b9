"""SYNTHETIC data: a documented, seeded ministry (:mod:`.ministry`) and its survey
(:mod:`.survey`), every frame marked synthetic; ``cchc synthetic`` (:mod:`.bundle`)
writes them.
"""

from .bundle import main
from .ministry import (
    DEFAULT_SEED,
    SYNTHETIC_LABEL,
    make_synthetic_scores,
    synthetic_criteria,
    write_synthetic_workbook,
)
from .survey import make_survey_world, make_synthetic_survey, synthetic_survey_questions, write_synthetic_survey

__all__ = [
    "SYNTHETIC_LABEL",
    "DEFAULT_SEED",
    "make_synthetic_scores",
    "synthetic_criteria",
    "write_synthetic_workbook",
    "make_synthetic_survey",
    "make_survey_world",
    "synthetic_survey_questions",
    "write_synthetic_survey",
    "main",
]
