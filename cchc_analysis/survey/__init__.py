"""Survey diagnostics (transitional: the code still lives in io/survey.py)."""

from ..io.survey import *  # noqa: F401,F403
from ..io.survey import __all__  # noqa: F401
