"""Few-task bias audit (being split into submodules)."""

from .adjusted import *  # noqa: F401,F403
from .adjusted import __all__  # noqa: F401
