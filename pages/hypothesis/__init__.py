"""Sections of the hypothesis-testing page (``pages/hypothesis_testing.py``), one module each."""
