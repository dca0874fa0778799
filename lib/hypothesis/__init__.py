"""Hypothesis testing for a proportion, power and sample size, bootstrap intervals, Bayes factors.

The notes' vocabulary, used throughout:

* α = P(reject H0 | H0 true), the size (type-1 error rate) one accepts before testing;
* the p-value = P(a result at least as extreme as the observed one | H0 true);
* β = P(fail to reject H0 | H1 true) and the power 1 − β = P(reject H0 | H1 true).

"Is the coin fair?" is answered several ways on the same data: the CLT z-test (with the
standard error from p0, the *score* test, or from p̂, the *Wald* test), the exact binomial
test (two-sided p-values by the *minlike* rule of R and scipy, or the *central* rule), and a
Bayes factor with a Beta(a, b) prior on p under the alternative.

``alternative`` is ``"two-sided"`` (p ≠ p0), ``"greater"`` (p > p0) or ``"less"`` (p < p0).
Nothing here imports torch or streamlit.

Modules: ``_shared`` (argument checks), ``proportion`` (z-tests, the exact binomial test, rejection
regions, confidence intervals), ``power`` (power, size and sample size), ``bayes`` (Bayes factors),
``two_sample`` (the A/B z-test, Fisher's exact test, t-tests, Cohen's h and d, the
randomisation test), ``power_analysis`` (G*Power's a priori, post hoc, sensitivity and compromise analyses),
``bootstrap`` (resampling intervals), ``coverage`` (the bootstrap coverage lab), ``pictures`` (what the
page draws: sampling distributions, verdict maps, power tables, a t-test's null curve and intervals),
``inputs`` (typed flips, numbers, CSV).
"""

from lib.hypothesis._shared import (
    ALTERNATIVES,
    BOOTSTRAP_METHODS,
    MAX_RESAMPLES,
    MAX_TRIALS,
    TWO_SIDED_RULES,
    Alternative,
)
from lib.hypothesis.bayes import (
    bayes_factor_binomial,
    beta_prior_posterior,
    bf01_robustness,
    posterior_null_probability,
    sequential_bf01,
)
from lib.hypothesis.bootstrap import Interval, bootstrap_ci, bootstrap_distribution
from lib.hypothesis.coverage import (
    SKEWED_DISTRIBUTIONS,
    STATISTICS,
    CoverageResult,
    bootstrap_coverage,
    bootstrap_intervals,
    make_statistic,
    sample_distribution,
    true_statistic,
)
from lib.hypothesis.inputs import (
    parse_flips,
    parse_numbers,
    read_csv_column,
    read_two_samples,
    simulate_flips,
    simulate_two_samples,
    two_group_flips,
)
from lib.hypothesis.pictures import (
    VERDICTS,
    SamplingPicture,
    exact_picture,
    mean_intervals,
    power_table,
    sampling_picture,
    simulated_rates,
    t_null_curve,
    verdict_map,
)
from lib.hypothesis.power import (
    power_curve,
    power_proportion,
    rejection_probability,
    sample_size_proportion,
    simulate_rejection_rate,
)
from lib.hypothesis.power_analysis import (
    POWER_KINDS,
    T_KINDS,
    TWO_GROUP_KINDS,
    compromise_alpha,
    group_sizes,
    minimum_detectable_effect,
    power_against_effect,
    power_of_test,
    power_t_test,
    sample_size_for_power,
)
from lib.hypothesis.proportion import (
    CONFINT_METHODS,
    TestResult,
    binomial_pvalues,
    binomial_test,
    proportion_confint,
    proportion_ztest,
    rejection_region,
    wald_ztest,
)
from lib.hypothesis.two_sample import (
    cohens_d,
    cohens_h,
    fisher_exact_test,
    mean_difference,
    permutation_test,
    t_test,
    two_proportion_ztest,
)

__all__ = [
    "ALTERNATIVES",
    "BOOTSTRAP_METHODS",
    "CONFINT_METHODS",
    "MAX_RESAMPLES",
    "MAX_TRIALS",
    "POWER_KINDS",
    "SKEWED_DISTRIBUTIONS",
    "STATISTICS",
    "TWO_GROUP_KINDS",
    "TWO_SIDED_RULES",
    "T_KINDS",
    "VERDICTS",
    "Alternative",
    "CoverageResult",
    "Interval",
    "SamplingPicture",
    "TestResult",
    "bayes_factor_binomial",
    "beta_prior_posterior",
    "bf01_robustness",
    "binomial_pvalues",
    "binomial_test",
    "bootstrap_ci",
    "bootstrap_coverage",
    "bootstrap_distribution",
    "bootstrap_intervals",
    "cohens_d",
    "cohens_h",
    "compromise_alpha",
    "exact_picture",
    "fisher_exact_test",
    "group_sizes",
    "make_statistic",
    "mean_difference",
    "mean_intervals",
    "minimum_detectable_effect",
    "parse_flips",
    "parse_numbers",
    "permutation_test",
    "posterior_null_probability",
    "power_against_effect",
    "power_curve",
    "power_of_test",
    "power_proportion",
    "power_t_test",
    "power_table",
    "proportion_confint",
    "proportion_ztest",
    "read_csv_column",
    "read_two_samples",
    "rejection_probability",
    "rejection_region",
    "sample_distribution",
    "sample_size_for_power",
    "sample_size_proportion",
    "sampling_picture",
    "sequential_bf01",
    "simulate_flips",
    "simulate_rejection_rate",
    "simulate_two_samples",
    "simulated_rates",
    "t_null_curve",
    "t_test",
    "true_statistic",
    "two_group_flips",
    "two_proportion_ztest",
    "verdict_map",
    "wald_ztest",
]
