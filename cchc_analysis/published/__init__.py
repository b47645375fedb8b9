"""Notebook 00: the published PAR INDEX tables, their checks, the published claims, plots."""

from .claims import CLAIMS_PATH, METRICS, STATUSES, check_claims, claims_summary_text, load_claims, year_status
from .load import PUBLISHED_COLUMNS, consistency_checks, coverage, load_published, published_path
from .plots import plot_published_indices
