"""Rank 1 raises while rank 0 waits in a collective: the whole job must end, naming rank 1."""
import time

import autograd as ag
import autograd.distributed as dist

dist.init_process_group("mpi")
x = ag.ones(3)
dist.all_reduce(x)
if dist.get_rank() == 1:
    raise ValueError("rank one fails on purpose")
dist.all_reduce(x)  # rank 0 would wait here forever
time.sleep(60)
print("rank 0 was not stopped", flush=True)
