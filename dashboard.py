"""Garden Lab's router: page config, navigation by section, and the shared sidebar.

Run with ``streamlit run dashboard.py``. Pages are registered in ``pages/_registry.py``.
"""

import streamlit as st

from pages._common import shared_sidebar
from pages._registry import PAGES, SECTIONS

st.set_page_config(page_title="Garden Lab", page_icon=":material/eco:", layout="wide")

overview = st.Page("pages/overview.py", title="Overview", icon=":material/eco:", default=True)
pages = {info.path: st.Page(info.path, title=info.title, icon=info.icon) for info in PAGES}
sections = {section: [pages[i.path] for i in PAGES if i.section == section] for section in SECTIONS}
current = st.navigation({"Garden Lab": [overview]} | {name: group for name, group in sections.items() if group})

uses_torch = any(info.uses_torch and pages[info.path].url_path == current.url_path for info in PAGES)
shared_sidebar(uses_torch=uses_torch)
current.run()
