"""Sections of the queueing distributions page (``pages/queueing_distributions.py``), one module each."""
