"""Sections of the Markov chains page (``pages/markov_chains.py``), one module each."""
