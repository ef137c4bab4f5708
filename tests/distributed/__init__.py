"""Multi-process tests of autograd.distributed."""
