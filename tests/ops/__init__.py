"""Tests of the op library."""
