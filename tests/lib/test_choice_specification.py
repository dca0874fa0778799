"""The CSV estimation's richer utilities: alternative-specific coefficients, person attributes interacted with the
constants, and robust (sandwich) standard errors, against statsmodels' MNLogit (HC0) and a hand-made design."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm

from lib import choice

ALTS = ("car", "bus", "rail")


def long_frame(n: int = 400, seed: int = 0) -> pd.DataFrame:
    """A long table: price varies by alternative (its effect differs by alternative), income by person."""
    rng = np.random.default_rng(seed)
    price = rng.uniform(1, 5, (n, 3))
    income = rng.normal(0, 1, n)
    V = np.array([0.0, 0.3, -0.2]) + price * np.array([-0.8, -0.4, -0.6]) + income[:, None] * [0.0, -0.5, 0.7]
    chosen = (V + rng.gumbel(size=V.shape)).argmax(axis=1)
    return pd.DataFrame(
        {
            "obs": np.repeat(np.arange(n), 3),
            "alt": np.tile(ALTS, n),
            "chosen": (np.arange(3)[None, :] == chosen[:, None]).ravel().astype(int),
            "price": price.ravel(),
            "income": np.repeat(income, 3),
        }
    )


def test_person_attributes_alone_are_statsmodels_mnlogit_with_hc0_errors() -> None:
    frame = long_frame().drop(columns="price")
    fitted = choice.fit_choice_csv(frame.to_csv(index=False), person=["income"])
    assert fitted.data.names == ("asc_bus", "asc_rail", "income_bus", "income_rail")
    wide = frame[frame.chosen == 1]
    y = pd.Index(ALTS).get_indexer(wide.alt)
    reference = sm.MNLogit(y, sm.add_constant(wide.income.to_numpy())).fit(disp=0, cov_type="HC0", tol=1e-12)
    # statsmodels: params (constant, income) × (bus, rail); ours: constants first, then the interactions.
    order = lambda table: np.asarray(table).T.ravel()[[0, 2, 1, 3]]  # noqa: E731
    np.testing.assert_allclose(fitted.mnl.params, order(reference.params), atol=1e-6)
    np.testing.assert_allclose(fitted.mnl.robust_std_errors, order(reference.bse), rtol=1e-5)
    classical = sm.MNLogit(y, sm.add_constant(wide.income.to_numpy())).fit(disp=0, tol=1e-12)
    np.testing.assert_allclose(fitted.mnl.std_errors, order(classical.bse), rtol=1e-5)
    assert not np.allclose(fitted.mnl.robust_std_errors, fitted.mnl.std_errors, rtol=1e-3)


def test_alternative_specific_price_recovers_each_alternatives_coefficient() -> None:
    fitted = choice.fit_choice_csv(long_frame(3000, seed=1).to_csv(index=False), specific=["price"], person=["income"])
    names = fitted.data.names
    assert names == ("asc_bus", "asc_rail", "price_car", "price_bus", "price_rail", "income_bus", "income_rail")
    truth = np.array([0.3, -0.2, -0.8, -0.4, -0.6, -0.5, 0.7])
    z = (fitted.mnl.params - truth) / fitted.mnl.robust_std_errors
    assert np.all(np.abs(z) < 3.5), dict(zip(names, fitted.mnl.params, strict=True))
    assert "robust_std_error" in fitted.mnl.table().columns


def test_sandwich_matches_a_hand_computed_one() -> None:
    X, _ = choice.simulate_design(300, 3, 2, seed=4)
    y = choice.simulate_choices(X, [0.2, -0.1, 1.0, -0.5], seed=5)
    fit = choice.fit_conditional_logit(X, y)
    beta = fit.params
    scores = []
    for n in range(len(y)):  # per observation, by the definition
        P = np.exp(X[n] @ beta) / np.exp(X[n] @ beta).sum()
        scores.append(X[n, y[n]] - P @ X[n])
    B = np.array(scores).T @ np.array(scores)
    np.testing.assert_allclose(fit.robust_std_errors, np.sqrt(np.diag(fit.covariance @ B @ fit.covariance)))


def test_wide_format_takes_person_columns_without_a_suffix() -> None:
    frame = long_frame(300)
    wide = frame.pivot(index="obs", columns="alt", values="price").add_prefix("price_")
    wide["income"] = frame.groupby("obs").income.first()
    wide["choice"] = frame[frame.chosen == 1].set_index("obs").alt
    from_wide = choice.fit_choice_csv(
        wide[["choice", "price_car", "price_bus", "price_rail", "income"]].to_csv(), "wide", person=["income"]
    )
    from_long = choice.fit_choice_csv(frame.to_csv(index=False), person=["income"])
    # The reference alternative is the first one seen, which may differ between layouts: the fit does not.
    assert sum(name.startswith("income_") for name in from_wide.data.names) == 2
    assert from_wide.mnl.loglik == pytest.approx(from_long.mnl.loglik, abs=1e-8)


@pytest.mark.parametrize(
    ("kwargs", "fragment"),
    [
        ({"specific": ["speed"]}, "alternative-specific attribute 'speed'"),
        ({"person": ["age"]}, "person attribute 'age'"),
        ({"person": ["price"]}, "same on every row"),
    ],
)
def test_bad_specifications_raise_one_sentence(kwargs, fragment) -> None:
    with pytest.raises(ValueError, match=fragment):
        choice.fit_choice_csv(long_frame(50).to_csv(index=False), **kwargs)


def test_tastes_from_fit_takes_the_estimates_it_has() -> None:
    fit = choice.fit_choice_csv(long_frame(300).drop(columns="income").to_csv(index=False)).mnl
    beta = choice.tastes_from_fit(fit.names, fit.params, ["price", "time", "comfort"], [-9.0, -0.04, 0.5])
    np.testing.assert_allclose(beta, [fit.params[fit.names.index("price")], -0.04, 0.5])
    with pytest.raises(ValueError, match="no coefficient named"):
        choice.tastes_from_fit(["asc_bus"], [0.1], ["price"], [-1.0])
    with pytest.raises(ValueError, match="not negative"):
        choice.tastes_from_fit(["price"], [0.2], ["price"], [-1.0])
