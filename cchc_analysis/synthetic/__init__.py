"""The SYNTHETIC ministry (transitional)."""

from .ministry import *  # noqa: F401,F403
from .ministry import DEFAULT_SEED, __all__, main  # noqa: F401
