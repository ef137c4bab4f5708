"""Data-parallel training over several processes: a process group (MPI or NCCL), collectives on Tensors, a sampler.

Launch a script on N processes with `python -m autograd.distributed.run -n N script.py` or `mpiexec -n N python
script.py`; in it, call init_process_group() and wrap the model in nn.parallel.DistributedDataParallel.
"""
from .collectives import ReduceOp, all_gather, all_reduce, barrier, broadcast, reduce_scatter
from .group import (destroy_process_group, get_backend, get_rank, get_world_size, init_process_group, is_available,
                    is_initialized, is_mpi_available, is_nccl_available)
from .sampler import DistributedSampler

__all__ = ["ReduceOp", "all_gather", "all_reduce", "barrier", "broadcast", "reduce_scatter", "destroy_process_group",
           "get_backend", "get_rank", "get_world_size", "init_process_group", "is_available", "is_initialized",
           "is_mpi_available", "is_nccl_available", "DistributedSampler"]
