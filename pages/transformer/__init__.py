"""Sections of the Transformer lab page (``pages/transformer_lab.py``), one module per tab."""
