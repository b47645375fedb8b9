from .build import *  # noqa: F401,F403
from .build import (_kernel_manager_class, _load_all_labels, _previous_durations,  # noqa: F401
                    _swap_into_place)
