"""Sections of the Choice models page (``pages/choice_models.py``), one module each."""
