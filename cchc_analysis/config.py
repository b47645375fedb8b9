"""Project paths, all derived from the package location (never absolute paths in code)."""

from __future__ import annotations

from pathlib import Path

PROJ_ROOT = Path(__file__).resolve().parents[1]
DATA_DIR = PROJ_ROOT / "data"
RAW_DIR = DATA_DIR / "raw"
PROCESSED_DIR = DATA_DIR / "processed"
PUBLISHED_DIR = RAW_DIR / "published"
SYNTHETIC_DIR = RAW_DIR / "synthetic"
TEMPLATES_DIR = RAW_DIR / "templates"
NOTEBOOKS_DIR = PROJ_ROOT / "notebooks"
REPORTS_DIR = PROJ_ROOT / "reports"

#: The bundled default unit-level workbook: a documented, seeded SYNTHETIC ministry
#: (see :mod:`cchc_analysis.synthetic`). Its file name says it is synthetic.
DEFAULT_WORKBOOK = SYNTHETIC_DIR / "synthetic_ministry_scores.xlsx"
DEFAULT_SURVEY = SYNTHETIC_DIR / "synthetic_ministry_survey.csv"

__all__ = [
    "PROJ_ROOT",
    "DATA_DIR",
    "RAW_DIR",
    "PROCESSED_DIR",
    "PUBLISHED_DIR",
    "SYNTHETIC_DIR",
    "TEMPLATES_DIR",
    "NOTEBOOKS_DIR",
    "REPORTS_DIR",
    "DEFAULT_WORKBOOK",
    "DEFAULT_SURVEY",
]
