"""Choice data: simulated designs and choices, and CSV tables in long or wide format."""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from lib.choice._shared import SeedLike, _seed
from lib.choice.estimation import ChoiceData, ChoiceFit, _design, fit_conditional_logit, fit_nested_logit
from lib.choice.iia import IIATest, iia_lr_test
from lib.choice.logit import mnl_probabilities, nested_logit_probabilities
from lib.uploads import check_csv_width


def simulate_choices(
    X: np.ndarray | Sequence,
    beta: np.ndarray | Sequence,
    seed: SeedLike = None,
    nests: Sequence[Sequence[int]] | None = None,
    lambdas: Sequence[float] | None = None,
    availability: np.ndarray | Sequence | None = None,
) -> np.ndarray:
    """Draw one choice per observation from the MNL (or nested logit) with coefficients ``beta``."""
    X = np.asarray(X, dtype=float)
    if X.ndim != 3:
        raise ValueError(f"X must have shape (n_obs, n_alts, n_params), got shape {X.shape}.")
    V = X @ np.asarray(beta, dtype=float)
    if nests is None:
        P = mnl_probabilities(V, availability)
    else:
        P = nested_logit_probabilities(V, nests, lambdas if lambdas is not None else 1.0, availability)
    u = _seed(seed).random((X.shape[0], 1))
    return np.minimum((P.cumsum(axis=1) < u).sum(axis=1), X.shape[1] - 1)


def simulate_design(
    n_obs: int, n_alts: int, n_attributes: int, seed: SeedLike = None, asc: bool = True
) -> tuple[np.ndarray, tuple[str, ...]]:
    """A random design: standard-normal attributes per alternative, plus constants for alternatives 1.. if asc."""
    if int(n_obs) != n_obs or n_obs < 1:
        raise ValueError(f"n_obs must be a whole number >= 1, got {n_obs}.")
    if int(n_alts) != n_alts or n_alts < 2:
        raise ValueError(f"n_alts must be a whole number >= 2, got {n_alts}.")
    rng = _seed(seed)
    attributes = rng.standard_normal((int(n_obs), int(n_alts), int(n_attributes)))
    names = [f"x{k + 1}" for k in range(n_attributes)]
    if asc:
        constants = np.broadcast_to(np.eye(n_alts)[:, 1:], (int(n_obs), n_alts, n_alts - 1))
        attributes = np.concatenate([constants, attributes], axis=2)
        names = [f"asc_{j}" for j in range(1, n_alts)] + names
    return attributes, tuple(names)


LONG_COLUMNS = ("obs", "alt", "chosen")  # required in long format; "available" is optional
WIDE_COLUMNS = ("choice",)  # plus <attribute>_<alternative> and optional av_<alternative>


def _numeric(frame: pd.DataFrame, column: str) -> np.ndarray:
    values = pd.to_numeric(frame[column], errors="coerce")
    if values.isna().any():
        raise ValueError(f"Column {column!r} must hold numbers only (row {int(values.isna().to_numpy().argmax())}).")
    return values.to_numpy(dtype=float)


def choice_data_from_frame(
    frame: pd.DataFrame,
    layout: str = "long",
    asc: bool = True,
    specific: Sequence[str] = (),
    person: Sequence[str] = (),
) -> ChoiceData:
    """Turn a long- or wide-format table into arrays for the fit functions.

    **Long** (one row per observation and alternative): columns ``obs`` (choice situation id), ``alt``
    (alternative name), ``chosen`` (1 on the chosen row, else 0), optional ``available`` (0/1, default 1),
    and numeric attribute columns (every other column). A missing row means unavailable.

    **Wide** (one row per observation): ``choice`` (the chosen alternative's name), attribute columns named
    ``<attribute>_<alternative>`` (one per alternative that has it, 0 where missing) and optional
    ``av_<alternative>`` availability columns. Alternatives are the suffixes of the ``av_`` columns, or
    else the values seen in ``choice``.

    With ``asc``, an alternative-specific constant ``asc_<alt>`` is added for every alternative but the
    first (the reference). Alternatives are ordered as they first appear.

    Every attribute has one (generic) coefficient unless it is named in ``specific``: then it gets one
    coefficient per alternative, ``<attribute>_<alt>`` (its column split by alternative). Attributes named in
    ``person`` describe the chooser, not the alternative (the same on every row of an observation in long
    format; a plain column without an alternative suffix in wide format): they enter interacted with the
    constants, ``<attribute>_<alt>`` for every alternative but the reference, so the MNL with only person
    attributes is the multinomial logit of statsmodels' ``MNLogit``.
    """
    if not isinstance(frame, pd.DataFrame) or frame.empty:
        raise ValueError("The table is empty.")
    frame = frame.rename(columns=lambda c: str(c).strip())
    specific, person = _names(specific), _names(person)
    if layout == "long":
        data = _from_long(frame)
    elif layout == "wide":
        data = _from_wide(frame.drop(columns=[c for c in person if c in frame.columns]))
    else:
        raise ValueError(f"layout must be 'long' or 'wide', got {layout!r}.")
    X, choice, av, alternatives, names = data
    if layout == "wide" and person:
        missing = [c for c in person if c not in frame.columns]
        if missing:
            raise ValueError(f"The person attribute {missing[0]!r} is not a column of the table.")
        people = np.column_stack([_numeric(frame, c) for c in person])  # (n, n_person)
    else:
        people = _person_values(X, av, names, person)
        keep = [a for a, name in enumerate(names) if name not in person]
        X, names = X[:, :, keep], [names[a] for a in keep]
    X, names = _specification(X, names, alternatives, specific, people, person)
    if asc:
        J = len(alternatives)
        constants = np.broadcast_to(np.eye(J)[:, 1:], (X.shape[0], J, J - 1))
        X = np.concatenate([constants, X], axis=2)
        names = [f"asc_{a}" for a in alternatives[1:]] + list(names)
    counts = np.bincount(choice, minlength=len(alternatives))
    if np.any(counts == 0):
        raise ValueError(f"Nobody chose alternative {alternatives[int(np.argmin(counts))]!r}; drop it from the data.")
    X, choice, av, names = _design(X, choice, av, names)
    return ChoiceData(X, choice, av, tuple(alternatives), names)


def _names(text: Sequence[str]) -> list[str]:
    """Attribute names from a sequence of strings (blank ones dropped, order kept, duplicates once)."""
    return list(dict.fromkeys(str(name).strip() for name in text if str(name).strip()))


def _person_values(X: np.ndarray, av: np.ndarray, names: Sequence[str], person: Sequence[str]) -> np.ndarray:
    """Long format: each person attribute's value per observation, checked equal on its available rows."""
    unknown = [c for c in person if c not in names]
    if unknown:
        raise ValueError(f"The person attribute {unknown[0]!r} is not an attribute column of the table.")
    columns = [list(names).index(c) for c in person]
    first = av.argmax(axis=1)  # an available row of each observation
    values = X[np.arange(X.shape[0]), first][:, columns]  # (n, n_person)
    differs = av[:, :, None] & (X[:, :, columns] != values[:, None, :])
    if differs.any():
        name = person[int(np.argwhere(differs)[0, 2])]
        raise ValueError(f"Person attribute {name!r} must be the same on every row of an observation.")
    return values


def _specification(X, names, alternatives, specific, people, person):
    """Split the ``specific`` attributes by alternative and interact the person attributes with the constants."""
    unknown = [c for c in specific if c not in names]
    if unknown:
        raise ValueError(f"The alternative-specific attribute {unknown[0]!r} is not an attribute column.")
    J = len(alternatives)
    own = np.eye(J)  # own[j] picks alternative j
    columns, labels = [], []
    for a, name in enumerate(names):
        if name in specific:
            columns += [X[:, :, a] * own[j] for j in range(J)]
            labels += [f"{name}_{alt}" for alt in alternatives]
        else:
            columns.append(X[:, :, a])
            labels.append(name)
    for p, name in enumerate(person):
        columns += [people[:, p, None] * own[j] for j in range(1, J)]
        labels += [f"{name}_{alt}" for alt in alternatives[1:]]
    if not columns:
        return X, list(names)
    return np.stack(columns, axis=2), labels


def _from_long(frame: pd.DataFrame):
    missing = [c for c in LONG_COLUMNS if c not in frame.columns]
    if missing:
        raise ValueError(f"A long-format table needs the columns obs, alt, chosen; missing: {', '.join(missing)}.")
    attributes = [c for c in frame.columns if c not in (*LONG_COLUMNS, "available")]
    if not attributes:
        raise ValueError("The table needs at least one numeric attribute column besides obs, alt, chosen, available.")
    chosen = _numeric(frame, "chosen")
    available = _numeric(frame, "available") if "available" in frame.columns else np.ones(len(frame))
    if not np.isin(chosen, (0, 1)).all() or not np.isin(available, (0, 1)).all():
        raise ValueError("Columns chosen and available must hold 0 or 1.")
    values = np.column_stack([_numeric(frame, c) for c in attributes])
    obs = frame["obs"].astype(str).to_numpy()
    alts = frame["alt"].astype(str).to_numpy()
    alternatives = list(dict.fromkeys(alts))
    observations = list(dict.fromkeys(obs))
    obs_index = pd.Index(observations).get_indexer(obs)
    alt_index = pd.Index(alternatives).get_indexer(alts)
    if pd.Series(list(zip(obs_index, alt_index, strict=True))).duplicated().any():
        raise ValueError("Each (obs, alt) pair must appear at most once.")
    n, J = len(observations), len(alternatives)
    X = np.zeros((n, J, len(attributes)))
    av = np.zeros((n, J), dtype=bool)
    chosen_matrix = np.zeros((n, J))
    X[obs_index, alt_index] = values
    av[obs_index, alt_index] = available == 1
    chosen_matrix[obs_index, alt_index] = chosen
    per_obs = chosen_matrix.sum(axis=1)
    if np.any(per_obs != 1):
        bad = observations[int(np.flatnonzero(per_obs != 1)[0])]
        raise ValueError(f"Observation {bad!r} must have exactly one row with chosen = 1.")
    choice = chosen_matrix.argmax(axis=1)
    unavailable = ~av[np.arange(n), choice]
    if unavailable.any():
        bad = int(np.flatnonzero(unavailable)[0])
        name = alternatives[choice[bad]]
        raise ValueError(f"Observation {observations[bad]!r} chose {name!r}, which is not available.")
    return X, choice, av, alternatives, attributes


def _from_wide(frame: pd.DataFrame):
    if "choice" not in frame.columns:
        raise ValueError("A wide-format table needs a choice column naming the chosen alternative.")
    chosen = frame["choice"].astype(str).str.strip().to_numpy()
    av_columns = [c for c in frame.columns if c.startswith("av_")]
    alternatives = [c[3:] for c in av_columns] if av_columns else list(dict.fromkeys(chosen))
    if len(alternatives) < 2:
        raise ValueError("A wide-format table needs at least two alternatives.")
    attributes: list[str] = []
    for column in frame.columns:
        if column == "choice" or column in av_columns or column == "obs":
            continue
        base, _, alt = column.rpartition("_")
        if not base or alt not in alternatives:
            raise ValueError(f"Column {column!r} is not <attribute>_<alternative> for a known alternative.")
        if base not in attributes:
            attributes.append(base)
    if not attributes:
        raise ValueError("The table needs attribute columns named <attribute>_<alternative>.")
    n, J = len(frame), len(alternatives)
    X = np.zeros((n, J, len(attributes)))
    for j, alt in enumerate(alternatives):
        for a, base in enumerate(attributes):
            column = f"{base}_{alt}"
            if column in frame.columns:
                X[:, j, a] = _numeric(frame, column)
    if av_columns:
        av_values = np.column_stack([_numeric(frame, c) for c in av_columns])
        if not np.isin(av_values, (0, 1)).all():
            raise ValueError("Availability columns av_<alternative> must hold 0 or 1.")
        av = av_values == 1
    else:
        av = np.ones((n, J), dtype=bool)
    unknown = sorted(set(chosen) - set(alternatives))
    if unknown:
        raise ValueError(f"The choice column names an unknown alternative {unknown[0]!r}.")
    choice = pd.Index(alternatives).get_indexer(chosen)
    unavailable = ~av[np.arange(n), choice]
    if unavailable.any():
        bad = int(np.flatnonzero(unavailable)[0])
        raise ValueError(f"Row {bad} chose {alternatives[choice[bad]]!r}, which is not available.")
    return X, choice, av, alternatives, attributes


def to_long_frame(
    X: np.ndarray,
    choice: np.ndarray,
    names: Sequence[str],
    alternatives: Sequence[str] | None = None,
    availability: np.ndarray | None = None,
) -> pd.DataFrame:
    """The long-format table (obs, alt, chosen, available, attributes…) that :func:`choice_data_from_frame` reads.

    Columns that are alternative-specific constants (named ``asc_…``) are left out: the reader adds them back.
    """
    X = np.asarray(X, dtype=float)
    n, J, _ = X.shape
    alternatives = list(alternatives) if alternatives is not None else [f"alt{j}" for j in range(J)]
    av = np.ones((n, J), dtype=bool) if availability is None else np.asarray(availability, dtype=bool)
    keep = [p for p, name in enumerate(names) if not str(name).startswith("asc_")]
    frame = pd.DataFrame(
        {
            "obs": np.repeat(np.arange(1, n + 1), J),
            "alt": np.tile(alternatives, n),
            "chosen": (np.arange(J)[None, :] == np.asarray(choice)[:, None]).ravel().astype(int),
            "available": av.ravel().astype(int),
        }
    )
    for p in keep:
        frame[str(names[p])] = X[:, :, p].ravel()
    return frame


@dataclass(frozen=True)
class TableFit:
    """The conditional logit (and, given a nest, the nested logit with its IIA test) of a table of choices."""

    data: ChoiceData
    mnl: ChoiceFit
    nested: ChoiceFit | None = None
    lr_test: IIATest | None = None


def fit_choice_csv(
    content: bytes | str,
    layout: str = "long",
    nest: Sequence[str] = (),
    specific: Sequence[str] = (),
    person: Sequence[str] = (),
) -> TableFit:
    """Read a CSV of choices (see :func:`choice_data_from_frame` for the columns, ``specific`` and ``person``)
    and fit it.

    ``nest`` names two or more alternatives that share a nest for the nested logit (the others stay
    alone); empty fits the conditional logit only. Any problem with the file is one ``ValueError``.
    """
    raw = content.encode() if isinstance(content, str) else bytes(content)
    check_csv_width(raw)
    try:
        frame = pd.read_csv(io.BytesIO(raw))
    except (ValueError, UnicodeDecodeError, pd.errors.ParserError):
        raise ValueError("The file could not be read as a CSV table.") from None
    data = choice_data_from_frame(frame, layout, specific=specific, person=person)
    mnl = fit_conditional_logit(data.X, data.choice, data.availability, data.names)
    members = [str(m).strip() for m in nest if str(m).strip()]
    if not members:
        return TableFit(data, mnl)
    if len(set(members)) < 2 or any(m not in data.alternatives for m in members):
        raise ValueError(f"The nest must name two or more of the alternatives {', '.join(data.alternatives)}.")
    inside = [data.alternatives.index(m) for m in dict.fromkeys(members)]
    nests = [inside] + [[j] for j in range(len(data.alternatives)) if j not in inside]
    nested = fit_nested_logit(data.X, data.choice, nests, data.availability, data.names)
    return TableFit(data, mnl, nested, iia_lr_test(mnl, nested))
