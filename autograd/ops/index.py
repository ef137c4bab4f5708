"""(being written)"""
__all__ = []
METHODS = {}


def getitem(x, idx):
    raise NotImplementedError


def setitem(x, idx, v):
    raise NotImplementedError
