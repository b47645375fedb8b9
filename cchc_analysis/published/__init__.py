"""Notebook 00: the published PAR INDEX tables, their checks, the published claims, plots.

``load`` (read the tables and ``claims.csv``), ``checks`` (:func:`year_completeness`, THE
definition of a complete published year; consistency checks; coverage), ``claims`` (recompute
the published claims), ``unit_level`` (the public record below ministry and province
level: :func:`load_unit_level`, :func:`public_record_findings`), ``plots``.
"""

from .checks import consistency_checks, coverage, year_completeness
from .claims import STATUSES, check_claims, claims_summary_text, year_status
from . import findings
from .findings import rank_basis_note
from .load import (CLAIMS_PATH, METRICS, PUBLISHED_COLUMNS, RANK_BASES, TRUSTED_RANK_BASES, load_claims,
                   load_published, published_path)
from .unit_level import (
    load_unit_level,
    public_record,
    public_record_findings,
    public_record_for_people,
    public_record_texts,
)

__all__ = [
    "PUBLISHED_COLUMNS",
    "published_path",
    "load_published",
    "CLAIMS_PATH",
    "METRICS",
    "STATUSES",
    "load_claims",
    "year_completeness",
    "consistency_checks",
    "coverage",
    "year_status",
    "check_claims",
    "claims_summary_text",
    "RANK_BASES",
    "TRUSTED_RANK_BASES",
    "rank_basis_note",
    "load_unit_level",
    "public_record",
    "public_record_findings",
    "public_record_for_people",
    "public_record_texts",
    "plot_published_indices",
]


def __getattr__(name: str):
    # The plots import matplotlib (~0.4 s): loaded on first use of a plot function, so that
    # ``import cchc_analysis`` (and ``cchc --help``) does not pay for it.
    if name == "plot_published_indices":
        from .plots import plot_published_indices

        return plot_published_indices
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
