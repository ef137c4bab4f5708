"""Run a check script on one rank with backend="nccl" on the cupy stand-in and the fake NCCL (no GPU needed)."""
import os
import runpy
import sys

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))))
from tests.distributed import fake_nccl  # noqa: E402

fake_nccl.install()
script = os.path.join(os.path.dirname(os.path.abspath(__file__)), sys.argv[1])
sys.argv = [script, "--backend", "nccl", "--device", "cuda"]
runpy.run_path(script, run_name="__main__")
print("fake NCCL calls:", ", ".join(sorted(set(fake_nccl.calls))), flush=True)
