"""Benchmarks: side-by-side timings of tapegrad and PyTorch."""
