"""Swissmetro (Bierlaire et al., 2001): the stated-preference survey that Biogeme's examples estimate.

1,192 respondents each made 9 choices among train, Swissmetro and car. The file ships in Biogeme's wheel
(``biogeme/data/data/swissmetro.dat``, tab-separated); install it without its dependencies (only the file is
read, Biogeme is never imported)::

    pip install --no-deps biogeme==3.3.2

:func:`load_swissmetro` prepares it as Biogeme's ``b01logit`` / ``b05normal_mixture`` examples do: it keeps
commuter and business trips (``PURPOSE`` 1 or 3) with a recorded choice (``CHOICE`` ≠ 0), 6,768 choices by 752
people; travel times (minutes) and costs (CHF) are divided by 100, train and
Swissmetro cost nothing to holders of a season ticket (``GA`` = 1), and train and car are available only where the
survey offered them (``SP`` ≠ 0).
"""

from __future__ import annotations

import importlib.util
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from lib.choice.estimation import ChoiceData

ALTERNATIVES = ("train", "swissmetro", "car")  # CHOICE = 1, 2, 3
NAMES = ("ASC_CAR", "ASC_TRAIN", "B_COST", "B_TIME")  # Biogeme's parameter names (ASC_SM = 0 is the reference)
INSTALL_HINT = "pip install --no-deps biogeme==3.3.2"


@dataclass(frozen=True)
class PanelChoiceData(ChoiceData):
    """:class:`ChoiceData` with the person behind each observation (``panel``: one id per row)."""

    panel: np.ndarray


def swissmetro_path() -> Path | None:
    """Where Biogeme's wheel put ``swissmetro.dat``, found without importing biogeme; None if it is not installed."""
    spec = importlib.util.find_spec("biogeme")
    if spec is None or not spec.submodule_search_locations:
        return None
    path = Path(next(iter(spec.submodule_search_locations))) / "data" / "data" / "swissmetro.dat"
    return path if path.is_file() else None


def load_swissmetro(path: str | Path | None = None) -> PanelChoiceData:
    """Swissmetro as arrays for the fit functions, prepared as in Biogeme's examples (see the module docstring).

    ``X`` is ``(6768, 3, 4)`` with alternatives (train, swissmetro, car) and columns ``NAMES``: the car and train
    constants, cost/100 and time/100 (minutes); ``panel`` is the respondent ``ID``. ``path`` defaults to the file in
    Biogeme's installed wheel; a missing file is a ``FileNotFoundError`` that says how to install it.

    >>> load_swissmetro("no/such/swissmetro.dat")
    Traceback (most recent call last):
    ...
    FileNotFoundError: Swissmetro's data file was not found at no/such/swissmetro.dat; install it with \
`pip install --no-deps biogeme==3.3.2`.
    """
    found = Path(path) if path is not None else swissmetro_path()
    if found is None or not found.is_file():
        where = f"at {found}" if found is not None else "(biogeme is not installed)"
        raise FileNotFoundError(f"Swissmetro's data file was not found {where}; install it with `{INSTALL_HINT}`.")
    frame = pd.read_csv(found, sep="\t")
    frame = frame[frame.PURPOSE.isin((1, 3)) & (frame.CHOICE != 0)].reset_index(drop=True)
    no_ga = (frame.GA == 0).to_numpy()
    cost = np.column_stack([frame.TRAIN_CO * no_ga, frame.SM_CO * no_ga, frame.CAR_CO]) / 100  # (n, 3)
    time = frame[["TRAIN_TT", "SM_TT", "CAR_TT"]].to_numpy(dtype=float) / 100  # (n, 3)
    n = len(frame)
    X = np.zeros((n, 3, len(NAMES)))
    X[:, 2, 0] = 1.0  # ASC_CAR
    X[:, 0, 1] = 1.0  # ASC_TRAIN
    X[:, :, 2], X[:, :, 3] = cost, time
    surveyed = (frame.SP != 0).to_numpy()
    availability = np.column_stack([(frame.TRAIN_AV == 1) & surveyed, frame.SM_AV == 1, (frame.CAR_AV == 1) & surveyed])
    return PanelChoiceData(
        X=X,
        choice=frame.CHOICE.to_numpy() - 1,
        availability=availability,
        alternatives=ALTERNATIVES,
        names=NAMES,
        panel=frame.ID.to_numpy(),
    )
