"""cchc-analysis: a notebook workbench for Vietnam's PAR INDEX (Chỉ số cải cách hành chính).

The public API, re-exported here; each analysis returns a tidy DataFrame whose columns are
listed in its docstring. Errors in input data raise :class:`DataError` (a ``ValueError``)
naming file, sheet, row and column.
"""

from . import config
from .errors import DataError, Problem
from .io import read_scores, validate_scores, write_template
from .ranking import rank_units
from .scoring import applicable_index
from .synthetic import make_synthetic_scores

__version__ = "0.1.0"

__all__ = [
    "__version__",
    "config",
    "DataError",
    "Problem",
    "read_scores",
    "validate_scores",
    "write_template",
    "applicable_index",
    "rank_units",
    "make_synthetic_scores",
]
