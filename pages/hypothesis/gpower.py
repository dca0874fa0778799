"""Section 6 · Power analysis like G*Power: a priori, post hoc, sensitivity and compromise, and power against effect."""

import numpy as np
import pandas as pd
import streamlit as st

from lib import hypothesis as ht
from lib.viz import line_chart
from pages._common import bound, cached, chart, csv_download, note, prose, show_error, snippet
from pages.hypothesis.formatting import TWO_GROUP_SIDES

power_of = cached(ht.power_of_test)

FAMILIES = {
    "t-test: two independent means (d)": "two-sample",
    "t-test: one sample (d)": "one-sample",
    "t-test: paired differences (d_z)": "paired",
    "z-test: two proportions (Cohen's h)": "two-proportions",
}
ANALYSES = (
    "A priori: n for a power",
    "Post hoc: power for an n",
    "Sensitivity: the smallest effect",
    "Compromise: α and β at β/α = q",
)


def answer(fn) -> object:
    """A lib answer (``fn()``), or the ValueError that says why there is none (shown as text in the table)."""
    try:
        return fn()
    except ValueError as err:
        return err


@st.cache_data(max_entries=64, show_spinner=False)
def all_analyses(
    es: float, n: int, alpha: float, power: float, q: float, alternative: str, kind: str, ratio: float = 1.0
) -> tuple[pd.DataFrame, dict[str, str]]:
    """G*Power's four analyses on the same inputs, each answering with what the others take as given.

    With ``ratio`` = N2/N1 other than 1, n is group 1's size and group 2 has ratio · n (rounded up).
    Returns the table (values as text) and, per analysis that has no answer here, the sentence that says why."""
    args = (alternative, kind)
    n_needed = answer(lambda: ht.sample_size_for_power(es, alpha, power, *args, ratio=ratio))
    power_n = answer(lambda: ht.power_of_test(es, n, alpha, *args, ratio=ratio))
    smallest = answer(lambda: ht.minimum_detectable_effect(n, alpha, power, *args, ratio=ratio))
    compromise = answer(lambda: ht.compromise_alpha(es, n, q, *args, group_ratio=ratio))
    sizes = f"n {n}" if ratio == 1 else f"n1 {n}, n2 = {ratio:g} · n1"
    rows = [(ANALYSES[1], f"effect {es:+.4f}, α {alpha:g}, {sizes}", "power 1 − β", power_n)]
    n_what = "n per group" if ratio == 1 else "n1 (group 1)"
    a_priori = [(ANALYSES[0], f"effect {es:+.4f}, α {alpha:g}, power {power:g}", n_what, n_needed)]
    if isinstance(n_needed, int):
        n1, n2 = ht.group_sizes(n_needed, ratio)
        if ratio != 1:
            a_priori.append((ANALYSES[0], f"ratio N2/N1 {ratio:g}, rounded up", "n2 (group 2)", n2))
        actual = ht.power_of_test(es, n1, alpha, *args, ratio=n2 / n1)
        a_priori.append((ANALYSES[0], "", "actual power at that n", actual))
    rows = a_priori + rows
    rows.append((ANALYSES[2], f"{sizes}, α {alpha:g}, power {power:g}", "smallest effect", smallest))
    given = f"effect {es:+.4f}, {sizes}, q = β/α {q:g}"
    if isinstance(compromise, tuple):
        rows += [(ANALYSES[3], given, "α", compromise[0]), (ANALYSES[3], "", "β", compromise[1])]
    else:
        rows.append((ANALYSES[3], given, "α and β", compromise))
    errors = {name: str(value) for name, _, _, value in rows if isinstance(value, ValueError)}
    shown = [
        (
            name,
            given,
            what,
            str(value)
            if isinstance(value, ValueError)
            else (f"{value:,}" if isinstance(value, int) else f"{value:.6g}"),
        )
        for name, given, what, value in rows
    ]
    return pd.DataFrame(shown, columns=["analysis", "given", "answer", "value"]), errors


@st.cache_data(max_entries=64, show_spinner=False)
def power_curves(
    es: float, n: int, alpha: float, alternative: str, kind: str, ratio: float = 1.0
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """G*Power's X-Y plots: power against the effect at n/2, n and 2n; power against n at the effect
    (n in group 1, ``ratio`` · n in group 2)."""
    top = max(1.5, 2 * abs(es))
    effects = np.linspace(-top if alternative == "two-sided" else 0.0, top, 121) * (-1 if alternative == "less" else 1)
    by_effect = pd.concat(
        pd.DataFrame(
            {
                "effect size": effects,
                "power": ht.power_against_effect(effects, max(2, m), alpha, alternative, kind, ratio=ratio),
                "n per group": f"n = {max(2, m)}",
            }
        )
        for m in (n // 2, n, 2 * n)
    )
    ns = np.unique(np.geomspace(2, max(8 * n, 50), 80).round().astype(int))
    by_n = pd.DataFrame(
        {
            "n per group": ns,
            "power": [power_of(es, int(m), alpha, alternative, kind, ratio=ratio) for m in ns],
            "curve": "power",
        }
    )
    return by_effect, by_n


def inputs() -> tuple[str, str, float, int, float, float, float, str, float]:
    c1, c2, c3 = st.columns(3)
    family = bound(
        c1.selectbox, "Test family", key="ht_gp_family", options=list(FAMILIES), help="G*Power's test and effect size."
    )
    analysis = bound(c1.selectbox, "Analysis", key="ht_gp_analysis", options=list(ANALYSES), help="What to solve for.")
    alternative = bound(
        c1.selectbox,
        "Tails",
        key="ht_gp_alt",
        options=list(TWO_GROUP_SIDES),
        format_func=TWO_GROUP_SIDES.get,
        help="Two tails, or one (the effect must then lie on that side).",
    )
    kind = FAMILIES[family]
    with c2:
        if kind == "two-proportions":
            p1 = bound(
                st.slider,
                "p1",
                key="ht_gp_p1",
                min_value=0.01,
                max_value=0.99,
                value=0.65,
                step=0.01,
                help="Group 1's proportion under H1.",
            )
            p2 = bound(
                st.slider,
                "p2",
                key="ht_gp_p2",
                min_value=0.01,
                max_value=0.99,
                value=0.5,
                step=0.01,
                help="Group 2's proportion.",
            )
            es = ht.cohens_h(p1, p2)
            st.caption(f"Cohen's h = 2 arcsin √p1 − 2 arcsin √p2 = {es:+.4f}")
        else:
            es = bound(
                st.slider,
                "Effect size d",
                key="ht_gp_d",
                min_value=-3.0,
                max_value=3.0,
                value=0.5,
                step=0.01,
                help="Cohen's d (paired: d_z, the mean difference over the differences' sd). 0.2 small, 0.5 medium.",
            )
        n = bound(
            st.slider,
            "n per group (n1)",
            key="ht_gp_n",
            min_value=2,
            max_value=5000,
            value=64,
            help="For post hoc, sensitivity and compromise: group 1's size (group 2 has N2/N1 times as many).",
        )
        ratio = 1.0
        if kind in ht.TWO_GROUP_KINDS:
            ratio = bound(
                st.number_input,
                "Allocation ratio N2/N1",
                key="ht_gp_ratio",
                min_value=0.01,
                max_value=100.0,
                value=1.0,
                step=0.25,
                help="Group 2's size over group 1's, as in G*Power: 1 is equal groups, 2 puts twice as many in "
                "group 2. Power depends on n1·n2/(n1 + n2), so for a fixed total, equal groups are best.",
            )
    with c3:
        alpha = bound(
            st.slider,
            "α",
            key="ht_gp_alpha",
            min_value=0.001,
            max_value=0.2,
            value=0.05,
            step=0.001,
            format="%.3f",
            help="Type-1 error rate.",
        )
        power = bound(
            st.slider,
            "Power 1 − β",
            key="ht_gp_power",
            min_value=0.5,
            max_value=0.99,
            value=0.8,
            step=0.01,
            help="Target power for the a priori and sensitivity analyses.",
        )
        q = bound(
            st.slider,
            "q = β/α (compromise)",
            key="ht_gp_q",
            min_value=0.1,
            max_value=10.0,
            value=1.0,
            step=0.1,
            help="How many times worse a miss (β) is tolerated than a false alarm (α); G*Power's default is 1.",
        )
    return analysis, kind, float(es), int(n), float(alpha), float(power), float(q), alternative, float(ratio)


@st.fragment
def gpower_section() -> None:
    st.header("6 · Power analysis like G*Power")
    with note("The derivation"):
        prose(__file__, "gpower.md")
    analysis, kind, es, n, alpha, power, q, alternative, ratio = inputs()
    table, errors = all_analyses(es, n, alpha, power, q, alternative, kind, ratio)
    if analysis in errors:
        show_error(ValueError(errors[analysis]))
    else:
        answers = table[table["analysis"] == analysis]
        for col, (_, row) in zip(st.columns(len(answers)), answers.iterrows(), strict=True):
            col.metric(f"{analysis.split(':')[0]}: {row['answer']}", row["value"])
    st.dataframe(table, hide_index=True, width="stretch")
    csv_download(table, "power_analysis.csv", "Download the four analyses (CSV)", key="ht_dl_gp")
    by_effect, by_n = power_curves(es, n, alpha, alternative, kind, ratio)
    e_col, n_col = st.columns(2)
    with e_col:
        chart(
            line_chart,
            by_effect,
            x="effect size",
            y="power",
            color="n per group",
            x_title="effect size",
            y_title="power 1 − β",
            rules={f"n = {n}": alpha},
            title="Power against the effect (dashed: α)",
        )
    with n_col:
        chart(
            line_chart,
            by_n,
            x="n per group",
            y="power",
            color="curve",
            x_title="n per group" if ratio == 1 else f"n1 in group 1 (n2 = {ratio:g} · n1)",
            y_title="power 1 − β",
            rules={"power": power},
            title=f"Power against n at effect {es:+.3f}",
        )
    snippet(
        """
from lib.hypothesis import compromise_alpha, minimum_detectable_effect, power_of_test, sample_size_for_power

es, n, alpha, power, ratio = $es, $n, $alpha, $power, $ratio  # ratio = N2/N1, group 2 over group 1
print("a priori n:", sample_size_for_power(es, alpha, power, $alternative, $kind, ratio=ratio))
print("post hoc power:", power_of_test(es, n, alpha, $alternative, $kind, ratio=ratio))
print("sensitivity:", minimum_detectable_effect(n, alpha, power, $alternative, $kind, ratio=ratio))
print("compromise (alpha, beta):", compromise_alpha(es, n, $q, $alternative, $kind, group_ratio=ratio))
""",
        es=es,
        n=n,
        alpha=alpha,
        power=power,
        q=q,
        alternative=alternative,
        kind=kind,
        ratio=ratio,
    )
