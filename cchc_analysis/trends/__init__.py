"""Ranking trends (notebook 01): methodology breaks, trajectories, movers, attribution, rank intervals."""

from .attribution import *  # noqa: F401,F403  (temporary: the module is being split)
from .attribution import __all__, _shapley_ratio  # noqa: F401
