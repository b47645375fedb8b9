"""Few-task bias audit: is a unit with few applicable criteria favoured, why, and an adjusted index.

The users' question: units where few tasks arise (a small *applicable maximum* ``M``,
the sum of ``max_points`` over the criteria that arise for the unit) are said to score
higher than busy units. This package answers it in three steps.

1. **Is there an association?** :func:`few_task_bias` runs a battery of tests, one row
   per test (pingouin style): the primary test of association between the index and
   ``M``, a robust regression, a dispersion test and the Wainer top/bottom check.
2. **Why?** The suspected mechanism is *composition* (case mix): few-task units carry
   mostly generic, easy criteria, busy units the hard ones. :func:`standardised_index`
   removes it by indirect standardisation and :func:`bias_decomposition` splits the
   gap between few-task and busy units into composition and remainder.
3. **An adjusted index.** :func:`standardised_index` (case mix) and
   :func:`shrunk_index` (empirical-Bayes beta-binomial shrinkage: small units are
   noisier) and :func:`funnel_data` (Spiegelhalter 2005 funnel with overdispersion).

Choices (and why)
-----------------
- *Size* = applicable maximum ``M`` (Σ max_points over applicable criteria); the number
  of applicable criteria is an option (``size="n_applicable"``). *Few-task* = below
  the median size of the year, *busy* = at or above it.
- One year at a time (``year``; the latest year by default): units and criteria
  change between years; each result row carries its ``year``.
- Primary test: Spearman's ρ with a *studentized* permutation p-value (DiCiccio &
  Romano 2017), two-sided by default. The plain permutation test is exact only under
  full independence; when small units are more variable it over-rejects. Checked
  by simulation in :mod:`cchc_analysis.bias.calibration` (rejection rate under the null
  0.046-0.056 at α = 0.05 on 20-60 units).
- Standardisation: pooled criterion rates (Σ points / Σ max over the units where the
  criterion applies), per year; the adjusted index is the O/E ratio times the pooled
  index of the year, so it reads on the index scale.
- Shrinkage: beta-binomial with the applicable max points as effective trials and a
  moment-estimated prior (Kleinman 1973); the number of criteria is an option.
- Funnel: multiplicative overdispersion φ from 10 %-Winsorised z-scores (default;
  invariant to the unit of the effective trials) or additive τ² (DerSimonian–Laird).

References
----------
DiCiccio C.J. & Romano J.P. (2017) Robust permutation tests for correlation and
regression coefficients. *JASA* 112:1211-1220,
https://doi.org/10.1080/01621459.2016.1202117.
Spiegelhalter D.J. (2005) Funnel plots for comparing institutional performance.
*Statistics in Medicine* 24:1185-1202, https://doi.org/10.1002/sim.1970.
Wainer H. (2007) The most dangerous equation. *American Scientist* 95:249,
https://doi.org/10.1511/2007.65.249.
Kleinman J.C. (1973) Proportions with extraneous variance: single and independent
samples. *JASA* 68:46-54 (the weighted moment estimator used for the beta prior).
Long J.S. & Ervin L.H. (2000) Using heteroscedasticity consistent standard errors in
the linear regression model. *The American Statistician* 54:217-224 (HC3).

Layout: :mod:`~cchc_analysis.bias.battery` (the tests), :mod:`~cchc_analysis.bias.adjusted`
(standardised and shrunk indices, sizes, adjusted ranking),
:mod:`~cchc_analysis.bias.decomposition`, :mod:`~cchc_analysis.bias.funnel`,
:mod:`~cchc_analysis.bias.verdict`, :mod:`~cchc_analysis.bias.plots`, and the simulation
study :mod:`~cchc_analysis.bias.calibration` (``python -m cchc_analysis.bias.calibration``;
not imported here, so that ``-m`` runs it once). The generic tests
(:func:`studentized_spearman`, :func:`ols_hc3`, the bootstrap CI of ρ) live in
:mod:`cchc_analysis.stats` and are re-exported here.
"""

from ..stats import ols_hc3, spearman_boot_ci, studentized_spearman
from .adjusted import adjusted_ranking, shrunk_index, standardised_index, unit_sizes
from .battery import few_task_bias
from .decomposition import bias_decomposition
from .funnel import funnel_data, funnel_limits
from .twoway import fit_twoway, model_index
from .verdict import bias_mechanism, bias_verdict
from . import findings  # noqa: F401  (the page in words; after the modules whose labels it uses)

__all__ = [
    "few_task_bias",
    "studentized_spearman",
    "ols_hc3",
    "spearman_boot_ci",
    "standardised_index",
    "shrunk_index",
    "bias_decomposition",
    "funnel_data",
    "funnel_limits",
    "adjusted_ranking",
    "bias_verdict",
    "bias_mechanism",
    "fit_twoway",
    "model_index",
    "unit_sizes",
]
