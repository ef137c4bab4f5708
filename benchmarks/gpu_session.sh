#!/usr/bin/env bash
# One call on a machine with an NVIDIA GPU (the lent H200): the GPU tests, the GPU benchmarks, then the whole suite
# with the real "cuda" device in the fixtures. Logs and results go under $OUT (default ./gpu_out):
#   env.txt            versions, nvidia-smi, whether cupy/torch see the GPU
#   pytest_gpu.log     tests marked `cuda` and the device-focused test files (kernels vs generic paths, random
#                      streams, queued checks, devices, optimizers on devices)       + pytest_gpu.xml (junit)
#   bench.log          python -m benchmarks.gpu, side by side with PyTorch CUDA      + gpu.json (the results)
#   pytest_suite.log   PYTHONPATH=. python -m pytest -q -m "cuda or not cuda" tests  + pytest_suite.xml
#
# Usage: bash benchmarks/gpu_session.sh [env|gpu-tests|bench|suite ...]   (no argument: all four, in that order)
# Each phase has a time limit (seconds) so that partial logs always come back:
#   GPU_TESTS_TIMEOUT (default 240), BENCH_TIMEOUT (240), SUITE_TIMEOUT (540); BENCH_ARGS adds arguments to the
#   benchmark (e.g. BENCH_ARGS="--only mlp,transformer --repeat 5").
set -u
export CUPY_CACHE_DIR="${CUPY_CACHE_DIR:-$PWD/.cupy-cache}"  # compiled kernels survive between calls on a warm machine
cd "$(dirname "$0")/.."
OUT="${OUT:-$PWD/gpu_out}"
mkdir -p "$OUT"
export PYTHONPATH="$PWD${PYTHONPATH:+:$PYTHONPATH}"
PY="${PYTHON:-python}"
PHASES="${*:-env gpu-tests bench suite}"

phase_env() {
    {
        echo "== date"; date -u
        echo "== python"; "$PY" --version
        echo "== nvidia-smi"; nvidia-smi 2>&1 || echo "nvidia-smi not found"
        echo "== packages"; "$PY" -m pip list 2>/dev/null | grep -i -E "^(numpy|cupy|torch|pytest|hypothesis|scipy) " \
            || echo "pip list failed"
        echo "== cupy"
        "$PY" - <<'EOF' 2>&1
import autograd
from autograd import backend
print("cupy:", getattr(backend.cupy, "__version__", None))
print("cuda available:", autograd.cuda.is_available(), "| reason:", backend.cuda_unavailable_reason())
if autograd.cuda.is_available():
    import cupy
    props = cupy.cuda.runtime.getDeviceProperties(0)
    print("device 0:", props["name"], "| compute capability", props["major"], props["minor"])
    print("CUDA runtime", cupy.cuda.runtime.runtimeGetVersion(), "| driver", cupy.cuda.runtime.driverGetVersion())
EOF
        echo "== torch"
        "$PY" -c "import torch; print(torch.__version__, 'cuda available:', torch.cuda.is_available())" 2>&1
    } > "$OUT/env.txt"
    # the GPU machine has no network: cupy must already be installed there (it is, on the lent H200)
    "$PY" -c "import cupy" 2>/dev/null || echo "== cupy is not importable: the GPU parts cannot run" >> "$OUT/env.txt"
    cat "$OUT/env.txt"
}

phase_gpu_tests() {
    timeout "${GPU_TESTS_TIMEOUT:-240}" "$PY" -m pytest -q -p no:cacheprovider -rs --durations=15 \
        --junitxml="$OUT/pytest_gpu.xml" tests/test_kernels.py tests/test_random_devices.py \
        tests/test_device_checks.py tests/test_cuda_api.py tests/test_devices.py tests/optim/test_devices.py \
        2>&1 | tee "$OUT/pytest_gpu.log"
    timeout "${GPU_TESTS_TIMEOUT:-240}" "$PY" -m pytest -q -p no:cacheprovider -rs -m cuda tests \
        --ignore=tests/test_kernels.py --ignore=tests/test_random_devices.py \
        --ignore=tests/test_device_checks.py --ignore=tests/test_cuda_api.py \
        2>&1 | tee -a "$OUT/pytest_gpu.log"
}

phase_bench() {
    # shellcheck disable=SC2086
    timeout "${BENCH_TIMEOUT:-240}" "$PY" -m benchmarks.gpu --out "$OUT/gpu.json" ${BENCH_ARGS:-} \
        2>&1 | tee "$OUT/bench.log"
}

phase_suite() {
    timeout "${SUITE_TIMEOUT:-540}" "$PY" -m pytest -q -p no:cacheprovider -rs --durations=25 \
        --junitxml="$OUT/pytest_suite.xml" -m "cuda or not cuda" tests 2>&1 | tee "$OUT/pytest_suite.log"
}

for phase in $PHASES; do
    echo "######## $phase ($(date -u +%H:%M:%S))"
    case "$phase" in
        env) phase_env ;;
        gpu-tests) phase_gpu_tests ;;
        bench) phase_bench ;;
        suite) phase_suite ;;
        *) echo "unknown phase '$phase' (env, gpu-tests, bench, suite)"; exit 2 ;;
    esac
done
echo "######## done; logs in $OUT"
