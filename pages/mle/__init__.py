"""Sections of the MLE estimators page (``pages/mle_estimators.py``), one module each."""
