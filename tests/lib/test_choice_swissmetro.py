"""Swissmetro against Biogeme's published estimates: the MNL (01logit) and a normal random travel-time coefficient
(05normalMixture), both from the HTML/.res reports Biogeme's repository ships with its examples.

The data file comes from Biogeme's wheel (`pip install --no-deps biogeme==3.3.2`); without it these tests skip,
except the one that checks the error message."""

from __future__ import annotations

import numpy as np
import pytest

from lib import choice
from lib.choice.swissmetro import INSTALL_HINT

needs_data = pytest.mark.skipif(choice.swissmetro_path() is None, reason=f"Swissmetro data absent: {INSTALL_HINT}")

# Biogeme 3.2.8, examples/swissmetro/05normalMixture.html: 100,000 pseudo-random draws per observation, no panel.
MIXED = {"ASC_CAR": (0.137, 0.0516), "ASC_TRAIN": (-0.402, 0.0634), "B_COST": (-1.29, 0.063)}
MIXED |= {"B_TIME": (-2.26, 0.119), "sd(B_TIME)": (1.66, 0.138)}
MIXED_LOGLIK = -5215.13
# Biogeme's 01logit (the same four coefficients, fixed): final log-likelihood −5331.252.
MNL = {"ASC_CAR": -0.154633, "ASC_TRAIN": -0.701187, "B_COST": -1.08379, "B_TIME": -1.27786}


@pytest.fixture(scope="module")
def swissmetro():
    return choice.load_swissmetro()


@needs_data
def test_loader_keeps_biogemes_sample_and_reproduces_its_logit(swissmetro) -> None:
    assert swissmetro.X.shape == (6768, 3, 4)
    assert np.unique(swissmetro.panel).size == 752
    assert swissmetro.availability[:, :2].all()
    assert not swissmetro.availability[:, 2].all()  # some have no car
    mnl = choice.fit_conditional_logit(swissmetro.X, swissmetro.choice, swissmetro.availability, swissmetro.names)
    assert mnl.loglik == pytest.approx(-5331.252, abs=1e-3)
    np.testing.assert_allclose(mnl.params, [MNL[name] for name in mnl.names], atol=1e-5)


@needs_data
def test_random_travel_time_reproduces_biogeme_and_beats_the_mnl(swissmetro) -> None:
    # 100 Halton draws (Biogeme used 100,000 pseudo-random ones) keep this under a second; the estimates still
    # land within one of Biogeme's standard errors and the log-likelihood within 1.
    X, y, av = swissmetro.X, swissmetro.choice, swissmetro.availability
    fit = choice.fit_mixed_logit(X, y, [3], av, n_draws=100, seed=0, names=swissmetro.names)
    assert fit.converged
    for name, value, se in zip(fit.names, fit.params, fit.std_errors, strict=True):
        published, published_se = MIXED[name]
        assert abs(value - published) < published_se, (name, value, published)
        assert se == pytest.approx(published_se, rel=0.1), (name, se, published_se)
    assert fit.loglik == pytest.approx(MIXED_LOGLIK, abs=1.0)
    mnl = choice.fit_conditional_logit(X, y, av)
    assert fit.loglik - mnl.loglik > 100  # one more parameter, 116 log-likelihood units


def test_a_missing_file_says_how_to_install_it(tmp_path) -> None:
    with pytest.raises(FileNotFoundError, match="pip install --no-deps biogeme"):
        choice.load_swissmetro(tmp_path / "swissmetro.dat")
