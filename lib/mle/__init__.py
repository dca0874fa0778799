"""Maximum-likelihood estimators from the notes, and unboxing a black-box logistic regression.

Parametrisations follow the notes:

* **Binomial** – ``m`` experiments of ``n`` trials each; ``successes[i]`` is the number of
  successes in experiment ``i``. ``p̂ = Σ k_i / (m·n)``.
* **Negative binomial** – ``trials[i]`` is the number of **trials** (not failures) needed for
  the ``k``-th success, so ``trials[i] >= k``. ``p̂ = m·k / Σ n_i``. scipy's ``nbinom`` counts
  failures: ``P(trials = n) = scipy.stats.nbinom.pmf(n - k, k, p)``.
* **Beta-negative-binomial** – the negative binomial with ``p ~ Beta(α, β)`` integrated out:
  ``P(n) = C(n−1, k−1)·B(k+α, n−k+β)/B(α, β)`` for ``n >= k`` (trials again; scipy's
  ``betanbinom.pmf(n - k, k, α, β)``).

Both Bernoulli-type likelihoods have the form ``ℓ(p) = a·log p + b·log(1−p) + const`` with
``a`` successes and ``b`` failures in total (binomial: ``a = Σk``, ``b = m·n − Σk``; negative
binomial: ``a = m·k``, ``b = Σn − m·k``), so the MLE is ``a/(a+b)``, the observed Fisher
information at the MLE is ``(a+b)³/(a·b)`` and the profile-likelihood interval solves
``2·(ℓ(p̂) − ℓ(p)) = χ²₁(level)``. The functions here share that kernel.

Modules: ``_shared`` (argument checks), ``estimates`` (the binomial and negative-binomial MLE, its
intervals and log-likelihood curves), ``sampling`` (the estimator's sampling distribution, exact and
simulated), ``beta_negative_binomial`` (its pmf, likelihood and fit, with standard errors from the observed
information and profile-likelihood intervals), ``black_box`` (a logistic
regression behind a query interface, and unboxing it), ``fit`` (five continuous families fitted to
your own data: estimates with standard errors, AIC/BIC, QQ/PP points) and ``goodness`` (their goodness-of-fit
p-value by a vectorised parametric bootstrap, scipy's test with every Monte Carlo sample refitted at once).
"""

from lib.mle._shared import MAX_COUNTS, Kind, Seed
from lib.mle.beta_negative_binomial import (
    BNB_BOUNDS,
    BnbInference,
    beta_negative_binomial_loglik,
    beta_negative_binomial_mean,
    beta_negative_binomial_pmf,
    bnb_inference,
    bnb_loglik_surface,
    bnb_observed_information,
    bnb_profile_loglik,
    fit_beta_negative_binomial,
    sample_beta_negative_binomial,
)
from lib.mle.black_box import (
    LINE_STEPS,
    MIN_STEPS,
    RADIUS_STEPS,
    BlackBoxLogistic,
    Unboxed,
    direction_cosine,
    fit_logistic_l2,
    make_black_box,
    minimum_budget,
    recovery_curve,
    recovery_error,
    unbox_logistic,
)
from lib.mle.estimates import (
    Estimate,
    UnknownK,
    binomial_loglik,
    binomial_mle,
    cross_entropy,
    loglik_curve,
    negative_binomial_loglik,
    negative_binomial_mle,
    negative_binomial_unknown_k,
    numeric_mle,
    parse_counts,
)
from lib.mle.fit import (
    FAMILIES,
    MAX_PLOT_POINTS,
    FitResult,
    density_curves,
    fit_distribution,
    fit_families,
    fit_table,
    probability_plot_points,
    sample_family,
)
from lib.mle.goodness import MAX_MC_SAMPLES, GoodnessOfFit, goodness_of_fit
from lib.mle.sampling import (
    ExactProperties,
    SamplingResult,
    exact_properties,
    negative_binomial_pmf,
    properties_by_m,
    simulate_counts,
    simulate_estimates,
)

__all__ = [
    "BNB_BOUNDS",
    "FAMILIES",
    "LINE_STEPS",
    "MAX_COUNTS",
    "MAX_MC_SAMPLES",
    "MAX_PLOT_POINTS",
    "MIN_STEPS",
    "RADIUS_STEPS",
    "BlackBoxLogistic",
    "BnbInference",
    "Estimate",
    "ExactProperties",
    "FitResult",
    "GoodnessOfFit",
    "Kind",
    "SamplingResult",
    "Seed",
    "Unboxed",
    "UnknownK",
    "beta_negative_binomial_loglik",
    "beta_negative_binomial_mean",
    "beta_negative_binomial_pmf",
    "binomial_loglik",
    "binomial_mle",
    "bnb_inference",
    "bnb_loglik_surface",
    "bnb_observed_information",
    "bnb_profile_loglik",
    "cross_entropy",
    "density_curves",
    "direction_cosine",
    "exact_properties",
    "fit_beta_negative_binomial",
    "fit_distribution",
    "fit_families",
    "fit_logistic_l2",
    "fit_table",
    "goodness_of_fit",
    "loglik_curve",
    "make_black_box",
    "minimum_budget",
    "negative_binomial_loglik",
    "negative_binomial_mle",
    "negative_binomial_pmf",
    "negative_binomial_unknown_k",
    "numeric_mle",
    "parse_counts",
    "probability_plot_points",
    "properties_by_m",
    "recovery_curve",
    "recovery_error",
    "sample_beta_negative_binomial",
    "sample_family",
    "simulate_counts",
    "simulate_estimates",
    "unbox_logistic",
]
