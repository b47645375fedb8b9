"""Peer-group ranking schemes (being split into submodules)."""

from .schemes import *  # noqa: F401,F403
from .schemes import __all__  # noqa: F401
from .schemes import _group_rank_pct_draws, _index_draws, _index_frame, _recommend  # noqa: F401
