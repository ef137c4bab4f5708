"""One benchmark on two checkouts in one run: rounds alternate between them, each round a fresh process."""
import argparse
import os
import pathlib
import re
import statistics
import subprocess
import sys

_LINE = re.compile(r"tapegrad\s+([\d.]+) (\w+)(?:\s+torch\s+([\d.]+) \w+\s+ratio\s+([\d.]+))?")


def run(tree, module, args):
    """(tapegrad time, torch time or None, unit) from one run of `python -m module` on `tree`'s packages."""
    env = dict(os.environ, PYTHONPATH=str(tree))
    out = subprocess.run([sys.executable, "-m", module, *args], cwd=tree, env=env, capture_output=True, text=True,
                         check=True).stdout
    m = _LINE.search(out)
    if m is None:
        raise RuntimeError(f"{module} on {tree} printed no result line:\n{out}")
    return float(m[1]), (float(m[3]) if m[3] else None), m[2]


def main():
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--before", required=True, help="a checkout of the earlier version (e.g. a git worktree)")
    p.add_argument("--after", default=str(pathlib.Path(__file__).resolve().parents[1]))
    p.add_argument("--rounds", type=int, default=5)
    p.add_argument("module", nargs="?", default="benchmarks.overhead")
    p.add_argument("args", nargs=argparse.REMAINDER)
    a = p.parse_args()
    results = {"before": [], "after": []}
    for _ in range(a.rounds):
        for name in results:
            results[name].append(run(getattr(a, name), a.module, a.args))
    unit = results["after"][0][2]
    for name, rows in results.items():
        ours = statistics.median(r[0] for r in rows)
        line = f"{name:6s} tapegrad {ours:8.3f} {unit}"
        if rows[0][1] is not None:
            ratio = statistics.median(r[0] / r[1] for r in rows)
            line += f"   torch {statistics.median(r[1] for r in rows):8.3f} {unit}   ratio to torch {ratio:.3f}"
        print(line)
    pairs = list(zip(results["before"], results["after"]))  # each round ran both, back to back
    print(f"after / before: {statistics.median(y[0] / x[0] for x, y in pairs):.3f} "
          f"(median over {a.rounds} rounds of each round's pair)")
    if pairs[0][0][1] is not None:
        print(f"after / before, each as a ratio to torch in its own process: "
              f"{statistics.median((y[0] / y[1]) / (x[0] / x[1]) for x, y in pairs):.3f}")


if __name__ == "__main__":
    main()
