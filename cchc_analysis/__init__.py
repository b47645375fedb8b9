"""cchc-analysis: a notebook workbench for Vietnam's PAR INDEX (Chỉ số CCHC)."""

from .errors import DataError, Problem

__version__ = "0.1.0"
__all__ = ["DataError", "Problem", "__version__"]
