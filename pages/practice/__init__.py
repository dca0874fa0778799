"""Sections of the Training and evaluation page (``pages/training_and_evaluation.py``), one module each."""
