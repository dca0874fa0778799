"""The landing page: what Garden Lab is, and a link to every page."""

import streamlit as st

from pages._common import page_header
from pages._registry import PAGES, SECTIONS

page_header(
    "Garden Lab",
    "An interactive lab for the ideas in a data scientist's notebook of machine-learning and probability "
    "notes. Every formula is a slider away: move it, and the closed form is drawn beside a simulation "
    "so you can see them agree (or find out where they do not). Each page carries the derivation from "
    "the notes and a *Reproduce in Python* snippet that calls the same tested functions the page uses.",
)
st.caption(
    "The seed in the sidebar makes every simulation reproducible; the URL keeps every setting, so a link shares a view."
)

for section in SECTIONS:
    entries = [info for info in PAGES if info.section == section]
    if not entries:
        continue
    st.subheader(section)
    for info in entries:
        st.page_link(info.path, label=info.title, icon=info.icon)
        st.caption(info.summary)
