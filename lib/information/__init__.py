"""Information and inference: entropy, KL, variational inference, gradient estimators, score functions.

Modules: ``discrete`` (entropy, cross-entropy and KL of probability vectors, typed distributions),
``gaussian`` (KL between Gaussians, mean field and CAVI, one Gaussian fitted to two bumps by forward
or reverse KL), ``coin`` (the ELBO of the notes' Beta–binomial coin, stochastic VI with the
reparameterization trick), ``gradients`` (score-function vs reparameterization estimators),
``score`` (mixture score functions, guidance, unadjusted Langevin). Nothing here imports torch.
"""

from lib.information.coin import (
    StochasticVI,
    beta_binomial_log_evidence,
    beta_entropy,
    beta_kl,
    beta_posterior,
    elbo_beta,
    logit_normal_elbo,
    stochastic_vi_coin,
)
from lib.information.discrete import (
    MAX_OUTCOMES,
    cross_entropy,
    divergence_terms,
    entropy,
    kl_divergence,
    kl_terms,
    parse_distribution,
    probability_vector,
)
from lib.information.gaussian import (
    DIVERGENCES,
    GaussianFit,
    cavi_gaussian,
    fit_gaussian_to_mixture,
    forward_kl_to_mixture,
    gaussian_ellipse,
    gaussian_kl,
    mean_field_gaussian,
    mixture_log_pdf_1d,
    reverse_kl_to_mixture,
)
from lib.information.gradients import (
    TEST_FUNCTIONS,
    TestFunction,
    estimator_variances,
    reparameterization_gradients,
    score_function_gradients,
)
from lib.information.score import (
    gaussian_mixture_log_density,
    gaussian_mixture_score,
    guided_score_function,
    langevin_sample,
    langevin_trajectories,
    mixture_score_function,
)

__all__ = [
    "DIVERGENCES",
    "MAX_OUTCOMES",
    "TEST_FUNCTIONS",
    "GaussianFit",
    "StochasticVI",
    "TestFunction",
    "beta_binomial_log_evidence",
    "beta_entropy",
    "beta_kl",
    "beta_posterior",
    "cavi_gaussian",
    "cross_entropy",
    "divergence_terms",
    "elbo_beta",
    "entropy",
    "estimator_variances",
    "fit_gaussian_to_mixture",
    "forward_kl_to_mixture",
    "gaussian_ellipse",
    "gaussian_kl",
    "gaussian_mixture_log_density",
    "gaussian_mixture_score",
    "guided_score_function",
    "kl_divergence",
    "kl_terms",
    "langevin_sample",
    "langevin_trajectories",
    "logit_normal_elbo",
    "mean_field_gaussian",
    "mixture_log_pdf_1d",
    "mixture_score_function",
    "parse_distribution",
    "probability_vector",
    "reparameterization_gradients",
    "reverse_kl_to_mixture",
    "score_function_gradients",
    "stochastic_vi_coin",
]
