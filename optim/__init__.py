"""Optimizers and learning-rate schedulers (being written)."""
