"""Sections of the Information and inference page (``pages/information_and_inference.py``), one module each."""
