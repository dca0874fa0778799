"""Sections of the Efficient transformers page (``pages/efficient_transformers.py``), one module each."""
