"""Sections of the Sampling temperature page (``pages/sampling_temperature.py``), one module each."""
