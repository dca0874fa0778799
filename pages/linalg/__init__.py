"""Sections of the Linear algebra lens page (pages/linear_algebra.py), one module each, and their prose."""
