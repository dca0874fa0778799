"""Every Garden Lab page, in the order the sidebar lists them (not a page itself).

The router builds the navigation from this list and the overview links every entry,
so a page lands by adding one line here. Pages that do not exist yet are not listed.
"""

from __future__ import annotations

from dataclasses import dataclass

SECTIONS = ("Deep learning", "Statistics", "Stochastic models")


@dataclass(frozen=True)
class PageInfo:
    path: str  # relative to the repository root
    title: str
    icon: str  # a Material icon name, rendered by Streamlit's own icon font
    section: str  # one of SECTIONS
    summary: str  # one sentence for the overview
    uses_torch: bool = False  # shows the device selector; other pages never import torch


PAGES = (
    PageInfo(
        path="pages/transformer_lab.py",
        title="Transformer lab",
        icon=":material/hub:",
        section="Deep learning",
        summary=(
            "Every block of the notes' transformer built from lib and switchable: shapes and parameter counts, "
            "attention maps per head, sinusoidal vs learned vs RoPE, pre- vs post-norm at depth, KV-cache and "
            "linear-attention cost on your device, and a KV-memory calculator for MHA, GQA, MQA and MLA."
        ),
        uses_torch=True,
    ),
    PageInfo(
        path="pages/markov_chains.py",
        title="Markov chains",
        icon=":material/casino:",
        section="Stochastic models",
        summary=(
            "HHT or HTT first? The notes' 4-state chain iterated step by step, and any race between coin "
            "patterns (Penney's game) solved exactly from its automaton and checked by simulation."
        ),
    ),
)
