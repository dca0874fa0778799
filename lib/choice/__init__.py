"""Discrete choice models: multinomial logit, nested logit and multinomial probit, estimated from data.

Random utility: person ``n`` gets utility ``U_nj = V_nj + ε_nj`` from alternative ``j`` and picks the
largest. The systematic part is linear in the attributes, ``V_nj = X[n, j, :] @ β``; the error
distribution decides the model:

* i.i.d. Gumbel errors give the **multinomial logit** (MNL), ``P_j = exp(V_j) / Σ_k exp(V_k)``. Its
  ratio ``P_i / P_j`` ignores every other alternative (IIA), which is the red bus / blue bus paradox.
* Gumbel errors correlated within nests give the **nested logit**; the dissimilarity ``λ_k`` in (0, 1]
  of nest ``k`` is ``sqrt(1 - corr)`` of the utilities inside it, and λ = 1 everywhere is the MNL.
* Normal errors with any covariance give the **multinomial probit**, simulated here with GHK.

Shapes: ``V`` is ``(n_alts,)`` or ``(n_obs, n_alts)``; design arrays ``X`` are
``(n_obs, n_alts, n_params)``; ``choice`` holds the index of the chosen alternative; ``availability``
is a boolean ``(n_obs, n_alts)`` mask (unavailable alternatives get probability exactly 0).

Modules: ``_shared`` (input checks shared by the others), ``logit`` (MNL and nested-logit
probabilities), ``probit`` (GHK and exact probit probabilities), ``estimation`` (conditional and nested
logit fits), ``iia`` (likelihood-ratio and Hausman–McFadden tests), ``market`` (elasticities, willingness
to pay, scenarios), ``mixed`` (mixed logit: normal random coefficients, Halton draws, panels), ``data``
(simulated designs and choices, CSV input in long and wide format), ``swissmetro`` (Biogeme's Swissmetro data,
read from its wheel), ``red_bus`` (the red bus / blue bus experiment and the estimation sandbox).
"""

from lib.choice._shared import LAMBDA_BOUNDS, MAX_DRAWS, SeedLike
from lib.choice.data import (
    LONG_COLUMNS,
    WIDE_COLUMNS,
    TableFit,
    choice_data_from_frame,
    fit_choice_csv,
    simulate_choices,
    simulate_design,
    to_long_frame,
)
from lib.choice.estimation import (
    ChoiceData,
    ChoiceFit,
    fit_conditional_logit,
    fit_nested_logit,
    mnl_gradient,
    mnl_loglik,
    mnl_scores,
    nested_gradient,
    nested_loglik,
    sandwich_covariance,
)
from lib.choice.iia import IIATest, hausman_mcfadden_test, iia_lr_test
from lib.choice.logit import mnl_probabilities, nested_logit_probabilities, red_bus_car_share
from lib.choice.market import (
    clone_sources,
    elasticities,
    market_scenarios,
    parse_market,
    tastes_from_fit,
    willingness_to_pay,
)
from lib.choice.mixed import fit_mixed_logit, halton_normal_draws, simulate_mixed_panel, simulated_loglik
from lib.choice.probit import (
    probit_binary_exact,
    probit_probabilities,
    probit_probabilities_integrated,
    red_bus_covariance,
)
from lib.choice.red_bus import (
    LOGIT_ERROR_VARIANCE,
    RED_BUS_ALTERNATIVES,
    SandboxResult,
    estimation_sandbox,
    probit_convergence,
    recovery_study,
    red_bus_shares,
)
from lib.choice.swissmetro import PanelChoiceData, load_swissmetro, swissmetro_path

__all__ = [
    "LAMBDA_BOUNDS",
    "LOGIT_ERROR_VARIANCE",
    "LONG_COLUMNS",
    "MAX_DRAWS",
    "RED_BUS_ALTERNATIVES",
    "WIDE_COLUMNS",
    "ChoiceData",
    "ChoiceFit",
    "IIATest",
    "PanelChoiceData",
    "SandboxResult",
    "SeedLike",
    "TableFit",
    "choice_data_from_frame",
    "clone_sources",
    "elasticities",
    "estimation_sandbox",
    "fit_choice_csv",
    "fit_conditional_logit",
    "fit_mixed_logit",
    "fit_nested_logit",
    "halton_normal_draws",
    "hausman_mcfadden_test",
    "iia_lr_test",
    "load_swissmetro",
    "market_scenarios",
    "mnl_gradient",
    "mnl_loglik",
    "mnl_probabilities",
    "mnl_scores",
    "nested_gradient",
    "nested_logit_probabilities",
    "nested_loglik",
    "parse_market",
    "probit_binary_exact",
    "probit_convergence",
    "probit_probabilities",
    "probit_probabilities_integrated",
    "recovery_study",
    "red_bus_car_share",
    "red_bus_covariance",
    "red_bus_shares",
    "sandwich_covariance",
    "simulate_choices",
    "simulate_design",
    "simulate_mixed_panel",
    "simulated_loglik",
    "swissmetro_path",
    "tastes_from_fit",
    "to_long_frame",
    "willingness_to_pay",
]
