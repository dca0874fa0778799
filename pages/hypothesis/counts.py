"""Two groups' counts typed as k1 of n1 and k2 of n2 (the A/B test and the randomisation test share them)."""

import streamlit as st

from pages._common import bound


def two_group_counts(
    key: str,
    *,
    n_label: str,
    k_label: str,
    groups: tuple[str, str],
    n_value: int,
    n_max: int,
    k_values: tuple[int, int],
    size_word: str,
) -> tuple[int, int, int, int]:
    """k1, n1, k2, n2 from four number inputs in a row (k1, n1, k2, n2), keys ``{key}_k1`` … ``{key}_n2``.

    Labels are ``k_label`` / ``n_label`` with ``{i}`` (1 or 2) and ``{g}`` (the group's name) filled in.
    Each k's maximum follows its n, so a count can never exceed its trials.
    """
    columns = st.columns(4)
    ns = [
        int(
            bound(
                columns[2 * i + 1].number_input,
                n_label.format(i=i + 1, g=group),
                key=f"{key}_n{i + 1}",
                min_value=1,
                max_value=n_max,
                value=n_value,
                step=1,
                help=f"Trials in group {group}.",
            )
        )
        for i, group in enumerate(groups)
    ]
    ks = [
        int(
            bound(
                columns[2 * i].number_input,
                k_label.format(i=i + 1, g=group),
                key=f"{key}_k{i + 1}",
                min_value=0,
                max_value=n,
                value=min(k_value, n),
                step=1,
                help=f"Successes in group {group}, at most its {size_word}.",
            )
        )
        for i, (group, n, k_value) in enumerate(zip(groups, ns, k_values, strict=True))
    ]
    return ks[0], ns[0], ks[1], ns[1]
