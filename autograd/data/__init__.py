"""Data loading with PyTorch's torch.utils.data API: datasets, samplers, collation, DataLoader, and MNIST readers."""
from .collate import default_collate, default_convert
from .dataset import ChainDataset, ConcatDataset, Dataset, IterableDataset, Subset, TensorDataset, random_split
from .datasets import MNIST, FashionMNIST, load_digits, read_idx
from .loader import DataLoader
from .sampler import (BatchSampler, RandomSampler, Sampler, SequentialSampler, SubsetRandomSampler,
                      WeightedRandomSampler)
from .worker import WorkerInfo, get_worker_info

__all__ = ["Dataset", "IterableDataset", "TensorDataset", "ConcatDataset", "ChainDataset", "Subset", "random_split",
           "Sampler", "SequentialSampler", "RandomSampler", "SubsetRandomSampler", "WeightedRandomSampler",
           "BatchSampler", "default_collate", "default_convert", "DataLoader", "WorkerInfo", "get_worker_info",
           "load_digits", "read_idx", "MNIST", "FashionMNIST"]
