"""Gradient clipping and parameter/vector conversion (being written)."""
