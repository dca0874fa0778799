"""How the estimation sections summarise fitted choice models."""

import pandas as pd

from lib import choice


def fit_summary(fits: dict[str, choice.ChoiceFit]) -> pd.DataFrame:
    """One row per fitted model: log-likelihoods, ρ², AIC and the counts behind them."""
    return pd.DataFrame(
        {
            "model": list(fits),
            "log-likelihood": [f.loglik for f in fits.values()],
            "null LL (equal shares)": [f.null_loglik for f in fits.values()],
            "ρ²": [f.rho_squared for f in fits.values()],
            "AIC": [f.aic for f in fits.values()],
            "parameters": [f.n_estimated for f in fits.values()],
            "observations": [f.n_obs for f in fits.values()],
        }
    )
