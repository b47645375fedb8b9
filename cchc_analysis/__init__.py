"""cchc-analysis: a notebook workbench for Vietnam's PAR INDEX (Chỉ số cải cách hành chính).

The public API, re-exported here; each analysis returns a tidy DataFrame whose columns are
listed in its docstring. Errors in input data raise :class:`DataError` (a ``ValueError``)
naming file, sheet, row and column. The library is organised by question, one
sub-package each: ``io`` (readers), ``published`` (notebook 00), ``trends`` (01), ``bias``
(02), ``peers`` (03), ``survey`` (04), ``scorecard`` (per-unit pages), ``kps`` (the không
phát sinh declarations), ``synthetic`` (generators), ``document`` (findings, tables for
people, HTML and Word) and ``report`` (``cchc report``). Plot functions live in each
package's ``plots`` module (``trends.plots``, ``bias.plots``, ``peers.plots``,
``survey.plots``, ``published.plots``).
"""

from . import config
from .bias import (
    adjusted_ranking,
    bias_decomposition,
    bias_verdict,
    few_task_bias,
    funnel_data,
    shrunk_index,
    standardised_index,
    studentized_spearman,
)
from .errors import DataError, Problem
from .io import read_scores, validate_scores, write_template
from .peers import (
    Scheme,
    builtin_schemes,
    by_mapping,
    by_max_band,
    by_unit_type,
    compare_schemes,
    natural_breaks,
    peer_rank,
    rank_table,
    shrunk_league,
    single_league,
    standardised_league,
)
from .published import check_claims, consistency_checks, load_published
from .ranking import rank_units
from .report import ReportFailed, ReportParameterError, build_report
from .scoring import applicable_index
from .survey import (
    criteria_discrimination,
    cronbach_alpha,
    icc1,
    read_survey,
    rwg_j,
    survey_points,
    survey_quality,
    survey_reliability,
    survey_vs_appraisal,
    validate_survey,
)
from .synthetic import make_synthetic_scores, make_synthetic_survey
from .trends import (
    attribution_report,
    methodology_breaks,
    movers,
    rank_change_attribution,
    rank_intervals,
    rank_trajectory,
)
from .units import final_successor, load_units, predecessors, resolve_unit, unit_lineage
from .kps import kps_audit, policy_summary, ranking_policies
from .provenance import is_synthetic
from .scorecard import criterion_attribution, points_needed, unit_scorecard
from .document import Section
from .peers import recommended_scheme, resolve_schemes
from .bias import unit_sizes

__version__ = "0.1.0"

__all__ = [
    "__version__",
    "config",
    "DataError",
    "Problem",
    # loading and validation
    "read_scores",
    "validate_scores",
    "write_template",
    "read_survey",
    "validate_survey",
    "load_published",
    "consistency_checks",
    "check_claims",
    "load_units",
    "resolve_unit",
    "unit_lineage",
    "predecessors",
    "final_successor",
    # index and ranking
    "applicable_index",
    "rank_units",
    # trends
    "rank_trajectory",
    "movers",
    "rank_change_attribution",
    "attribution_report",
    "rank_intervals",
    "methodology_breaks",
    # few-task bias
    "few_task_bias",
    "studentized_spearman",
    "standardised_index",
    "shrunk_index",
    "bias_decomposition",
    "funnel_data",
    "adjusted_ranking",
    "bias_verdict",
    # peer groups
    "Scheme",
    "single_league",
    "by_unit_type",
    "by_max_band",
    "by_mapping",
    "standardised_league",
    "shrunk_league",
    "builtin_schemes",
    "natural_breaks",
    "peer_rank",
    "compare_schemes",
    "rank_table",
    # survey
    "survey_points",
    "survey_quality",
    "survey_reliability",
    "survey_vs_appraisal",
    "criteria_discrimination",
    "cronbach_alpha",
    "icc1",
    "rwg_j",
    # synthetic data
    "make_synthetic_scores",
    "make_synthetic_survey",
    # per-unit scorecards and the không phát sinh question
    "points_needed",
    "criterion_attribution",
    "unit_scorecard",
    "kps_audit",
    "ranking_policies",
    "policy_summary",
    # provenance and documents
    "is_synthetic",
    "Section",
    "unit_sizes",
    "resolve_schemes",
    "recommended_scheme",
    # report
    "build_report",
    "ReportFailed",
    "ReportParameterError",
]
