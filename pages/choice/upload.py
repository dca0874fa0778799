"""Section 3b · Your data: fit the conditional (and nested) logit to an uploaded CSV of choices, with
alternative-specific coefficients, person attributes and robust standard errors."""

import numpy as np
import pandas as pd
import streamlit as st

from lib import choice
from pages._common import bound, cached, csv_download, lib_call, plain, prose, snippet
from pages.choice.formatting import fit_summary
from pages.choice.market import FIT_FOR_MARKET

fit_csv = cached(choice.fit_choice_csv)


@st.fragment
def upload_section() -> None:
    st.subheader("b · Your data: upload a CSV")
    prose(__file__, "upload_format.md")
    layout_col, nest_col = st.columns(2)
    with layout_col:
        layout = bound(
            st.radio,
            "Layout",
            key="ch_layout",
            options=["long", "wide"],
            horizontal=True,
            help="Long: one row per observation and alternative. Wide: one row per observation.",
        )
    with nest_col:
        nest_text = bound(
            st.text_input,
            "Nest for the nested logit (alternative names, comma-separated; empty for none)",
            key="ch_nest",
            value="",
            max_chars=200,
            help="Two or more alternatives that share unobserved traits (e.g. 1, 2 for the simulated data); "
            "the others stay alone.",
        )
    specific_col, person_col = st.columns(2)
    with specific_col:
        specific_text = bound(
            st.text_input,
            "Alternative-specific coefficients (attribute names, comma-separated)",
            key="ch_specific",
            value="",
            max_chars=200,
            help="Each attribute named here gets one coefficient per alternative (e.g. time, if a minute on the "
            "bus weighs differently than in the car); the others share one coefficient.",
        )
    with person_col:
        person_text = bound(
            st.text_input,
            "Person attributes (comma-separated; interacted with the constants)",
            key="ch_person",
            value="",
            max_chars=200,
            help="Columns that describe the chooser, not the alternative (e.g. income): the same on every row of "
            "an observation in long format, a column without an _<alternative> suffix in wide format.",
        )
    upload = st.file_uploader(
        "Choice data (CSV)", type="csv", key="ch_upload", help="At most 10 MB; see the expected columns above."
    )
    if upload is None:
        return
    nest, specific, person = (tuple(text.split(",")) for text in (nest_text, specific_text, person_text))
    with st.spinner("Fitting…"):
        fitted = lib_call(fit_csv, upload.getvalue(), layout, nest, specific, person)
    if fitted is None:
        return
    data = fitted.data
    st.session_state[FIT_FOR_MARKET] = (data.names, fitted.mnl.params)  # the market section can use it
    counts = np.bincount(data.choice, minlength=len(data.alternatives))
    chosen_text = ", ".join(f"{a} {c}" for a, c in zip(data.alternatives, counts, strict=True))
    st.caption(f"{data.X.shape[0]:,} observations; times each alternative was chosen: {plain(chosen_text)}.")
    fits = {"conditional logit": fitted.mnl}
    tables = [fitted.mnl.table().assign(model="conditional logit")]
    st.caption("Conditional logit: classical standard errors (from the Hessian) beside robust (sandwich) ones.")
    st.dataframe(tables[0], hide_index=True)
    if fitted.nested is not None:
        fits["nested logit"] = fitted.nested
        tables.append(fitted.nested.table().assign(model="nested logit"))
        st.dataframe(tables[1], hide_index=True)
    estimates = pd.concat(tables, ignore_index=True)  # the nested logit's robust columns stay empty in the CSV
    st.dataframe(fit_summary(fits), hide_index=True)
    if fitted.lr_test is not None:
        test = fitted.lr_test
        st.metric(
            "IIA test: likelihood ratio, nested vs MNL",
            f"χ² = {test.statistic:.2f} (df {test.df}), p = {test.pvalue:.3g}",
            help="Large values reject independence of irrelevant alternatives for this nest.",
        )
    csv_download(estimates, "choice_model_estimates.csv", "Download the estimates (CSV)", key="ch_dl_estimates")
    snippet(
        """
from pathlib import Path

from lib.choice import fit_choice_csv

content = Path($file_name).read_bytes()  # your file, in the working folder
fitted = fit_choice_csv(content, $layout, $nest, specific=$specific, person=$person)
print(fitted.mnl.table())  # std_error (Hessian) and robust_std_error (sandwich)
if fitted.nested is not None:
    print(fitted.nested.table())
    print(fitted.lr_test)
""",
        caption="Runs as-is in the folder that holds your file, after `pip install -e .` in the repository.",
        file_name=upload.name,
        layout=layout,
        nest=nest,
        specific=specific,
        person=person,
    )
