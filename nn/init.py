"""Parameter initialisers (being written)."""
