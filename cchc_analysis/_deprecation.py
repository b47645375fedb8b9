"""Renamed keywords keep working for one release, with a ``FutureWarning``."""

from __future__ import annotations

import warnings

__all__ = ["renamed_keyword"]


def renamed_keyword(new_value, old_value, *, new: str, old: str, func: str, default):
    """The value to use when keyword ``old`` was renamed ``new``.

    ``old_value`` is ``None`` unless the caller used the old name; then it wins, with a
    ``FutureWarning`` naming the new keyword. Passing both (the new one away from its
    ``default``) is an error.

    Examples
    --------
    >>> renamed_keyword(0.9, None, new="confidence", old="level", func="f", default=0.95)
    0.9
    >>> import warnings
    >>> with warnings.catch_warnings(record=True) as w:
    ...     warnings.simplefilter("always")
    ...     v = renamed_keyword(0.95, 0.8, new="confidence", old="level", func="f", default=0.95)
    >>> v, w[0].category.__name__
    (0.8, 'FutureWarning')
    """
    if old_value is None:
        return new_value
    if new_value != default:
        raise TypeError(f"{func}() got both `{new}=` and its old name `{old}=`; pass `{new}=` only.")
    warnings.warn(
        f"{func}(): `{old}=` is deprecated and will be removed in the next release; use `{new}=`.",
        FutureWarning,
        stacklevel=3,
    )
    return old_value
