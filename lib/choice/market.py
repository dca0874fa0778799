"""What a fitted model says about a market: elasticities, willingness to pay, scenarios."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from lib.choice._shared import _lambdas, _nest_index
from lib.choice.logit import _nested_log_parts, mnl_probabilities


def elasticities(
    X: np.ndarray | Sequence,
    beta: np.ndarray | Sequence,
    attribute: int,
    nests: Sequence[Sequence[int]] | None = None,
    lambdas: Sequence[float] | None = None,
) -> np.ndarray:
    """Point elasticities of every choice probability with respect to one attribute of every alternative.

    ``E[i, j] = ∂ log P_i / ∂ log x_j`` for attribute ``attribute`` (column of X) with coefficient β_a.
    MNL: ``E[i, j] = β_a x_j (δ_ij - P_j)``: every cross-elasticity in column j is the same (IIA).
    Nested logit adds, for i and j in the same nest k, ``β_a x_j (1/λ_k - 1)(δ_ij - P(j | k))``.

    Parameters
    ----------
    X : (n_alts, n_params) attributes of one market.
    beta : (n_params,) taste coefficients.
    attribute : column index of the attribute that changes.
    nests, lambdas : optional nesting (default: MNL).
    """
    X = np.asarray(X, dtype=float)
    beta = np.asarray(beta, dtype=float)
    if X.ndim != 2 or beta.shape != (X.shape[1],):
        raise ValueError(f"X must be (n_alts, n_params) and beta (n_params,), got {X.shape} and {beta.shape}.")
    if int(attribute) != attribute or not 0 <= attribute < X.shape[1]:
        raise ValueError(f"attribute must be a column index from 0 to {X.shape[1] - 1}, got {attribute}.")
    J = X.shape[0]
    V = X @ beta
    eye = np.eye(J)
    scale = beta[attribute] * X[:, attribute]  # β_a x_j, per column j
    if nests is None:
        P = mnl_probabilities(V)
        return scale[None, :] * (eye - P[None, :])
    nest_of = _nest_index(nests, J)
    lam = _lambdas(lambdas if lambdas is not None else 1.0, len(nests))
    parts = _nested_log_parts(V[None, :], np.ones((1, J), dtype=bool), nest_of, lam)
    P = np.exp(parts["log_p"][0])
    within = parts["within"][0]
    same = nest_of[:, None] == nest_of[None, :]
    extra = (1 / lam[nest_of][None, :] - 1) * (eye - within[None, :]) * same
    return scale[None, :] * (eye - P[None, :] + extra)


def tastes_from_fit(
    names: Sequence[str],
    params: np.ndarray | Sequence,
    attributes: Sequence[str],
    defaults: np.ndarray | Sequence,
    cost: str = "price",
) -> np.ndarray:
    """β for ``attributes``: a fitted model's coefficient where it has one of that name, else the default.

    ``names``/``params`` are a fit's coefficient names and estimates (constants and other coefficients are
    ignored). The fit must estimate at least one of the attributes, and the ``cost`` coefficient (if it
    estimates it) must be negative, or the market would prefer dearer products.

    >>> tastes_from_fit(["asc_bus", "price", "time"], [0.2, -0.5, -0.03], ["price", "time", "comfort"], [-1, -1, 0.5])
    array([-0.5 , -0.03,  0.5 ])
    """
    names = [str(n) for n in names]
    params = np.asarray(params, dtype=float)
    defaults = np.asarray(defaults, dtype=float)
    if len(names) != params.size or defaults.size != len(attributes):
        raise ValueError("names and params, and attributes and defaults, must have the same lengths.")
    found = [a for a in attributes if a in names]
    if not found:
        raise ValueError(f"The fitted model has no coefficient named {', '.join(attributes)}.")
    beta = np.array([params[names.index(a)] if a in names else d for a, d in zip(attributes, defaults, strict=True)])
    if cost in found and not beta[list(attributes).index(cost)] < 0:
        raise ValueError(f"The estimated {cost} coefficient is {beta[list(attributes).index(cost)]:.3g}, not negative.")
    return beta


def willingness_to_pay(
    params: np.ndarray | Sequence,
    names: Sequence[str],
    cost: str,
    covariance: np.ndarray | None = None,
) -> pd.DataFrame:
    """Willingness to pay for one more unit of each attribute: ``WTP_a = -β_a / β_cost``.

    With a negative time coefficient WTP for time is negative: ``-WTP_time = β_time / β_cost`` is the
    value of time (money a person gives up to save one unit of time). Given the covariance of β, the
    standard errors come from the delta method:
    ``Var = (1/β_c²) [Var β_a - 2 (β_a/β_c) Cov(β_a, β_c) + (β_a/β_c)² Var β_c]``.
    """
    params = np.asarray(params, dtype=float)
    names = [str(n) for n in names]
    if len(names) != params.size:
        raise ValueError(f"names must give one name per parameter ({params.size}), got {len(names)}.")
    if cost not in names:
        raise ValueError(f"cost must be one of the parameter names {names}, got {cost!r}.")
    c = names.index(cost)
    if params[c] == 0:
        raise ValueError("The cost coefficient is 0, so willingness to pay is undefined.")
    others = [i for i in range(params.size) if i != c]
    ratio = params[others] / params[c]
    frame = pd.DataFrame({"attribute": [names[i] for i in others], "wtp": -ratio})
    if covariance is not None:
        cov = np.asarray(covariance, dtype=float)[: params.size, : params.size]
        var = (cov[others, others] - 2 * ratio * cov[others, c] + ratio**2 * cov[c, c]) / params[c] ** 2
        frame["std_error"] = np.sqrt(np.maximum(var, 0.0))
    return frame


def parse_market(text: str, attributes: Sequence[str], min_count: int = 2) -> tuple[tuple[str, ...], np.ndarray]:
    """Read alternatives written as ``name: a1, a2, ...; name: ...`` (one value per attribute).

    Example
    -------
    >>> parse_market("car: 6, 20; bus: 2, 45", ["price", "time"])
    (('car', 'bus'), array([[ 6., 20.],
           [ 2., 45.]]))
    """
    entries = [e.strip() for e in str(text).replace("\n", ";").split(";") if e.strip()]
    if not min_count <= len(entries) <= 8:
        raise ValueError(
            f"Give between {min_count} and 8 alternatives, separated by semicolons (car: 6, 20, 1; bus: 2, 45, 0)."
        )
    names, rows = [], []
    for entry in entries:
        name, colon, values = entry.rpartition(":")
        name = name.strip()
        if not colon or not name:
            raise ValueError(f"Write each alternative as name: {', '.join(attributes)} (got {entry[:40]!r}).")
        try:
            numbers = [float(v) for v in values.split(",")]
        except ValueError:
            raise ValueError(f"The values of {name[:20]!r} must be numbers separated by commas.") from None
        if len(numbers) != len(attributes) or not np.all(np.isfinite(numbers)):
            raise ValueError(f"{name[:20]!r} needs {len(attributes)} finite numbers: {', '.join(attributes)}.")
        if name in names:
            raise ValueError(f"The alternative name {name[:20]!r} appears twice.")
        names.append(name[:20])
        rows.append(numbers)
    return tuple(names), np.array(rows)


def clone_sources(shares: pd.DataFrame) -> pd.DataFrame:
    """Where the blue bus's riders come from, per model, from :func:`red_bus_shares`'s table.

    Shares are zero-sum: the blue bus's share equals what the car lost plus what the red bus lost.
    """

    def share(scenario: str, alternative: str) -> pd.Series:
        rows = shares[(shares["scenario"] == scenario) & (shares["alternative"] == alternative)]
        return rows.set_index("model")["share"]

    models = list(dict.fromkeys(shares["model"]))
    from_car = (share("before", "car") - share("after", "car"))[models].to_numpy()
    from_red = (share("before", "red bus") - share("after", "red bus"))[models].to_numpy()
    blue = share("after", "blue bus")[models].to_numpy()
    return pd.DataFrame(
        {
            "model": models,
            "blue bus share": blue,
            "taken from car": from_car,
            "taken from red bus": from_red,
            "fraction from car": from_car / blue,
        }
    )


def market_scenarios(
    names: Sequence[str],
    X: np.ndarray,
    beta: Sequence[float],
    changed: int,
    price_factor: float,
    new_name: str | None = None,
    new_x: Sequence[float] | None = None,
    price_column: int = 0,
) -> pd.DataFrame:
    """MNL shares today, after alternative ``changed``'s price is multiplied by ``price_factor``, and after a
    new product joins. Long format: scenario, alternative, share (the new product appears only where present)."""
    X = np.asarray(X, dtype=float)
    beta = np.asarray(beta, dtype=float)
    names = [str(n) for n in names]
    if int(changed) != changed or not 0 <= changed < len(names):
        raise ValueError(f"changed must index one of the {len(names)} alternatives, got {changed}.")
    if not 0 < price_factor <= 10:
        raise ValueError(f"price_factor must lie in (0, 10], got {price_factor}.")
    rows = [("today", n, float(p)) for n, p in zip(names, mnl_probabilities(X @ beta), strict=True)]
    X_price = X.copy()
    X_price[changed, price_column] *= price_factor
    label = f"{names[changed]} price × {price_factor:g}"
    rows += [(label, n, float(p)) for n, p in zip(names, mnl_probabilities(X_price @ beta), strict=True)]
    if new_name is not None and new_x is not None:
        if new_name in names:
            raise ValueError(f"The new product needs a new name, {new_name!r} is taken.")
        X_new = np.vstack([X, np.asarray(new_x, dtype=float)])
        P = mnl_probabilities(X_new @ beta)
        rows += [(f"with {new_name}", n, float(p)) for n, p in zip([*names, new_name], P, strict=True)]
    return pd.DataFrame(rows, columns=["scenario", "alternative", "share"])
