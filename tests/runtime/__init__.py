"""Tests of runtime: worker processes, background jobs, the model cache."""
