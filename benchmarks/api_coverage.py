"""The share of PyTorch's public op list, torch.nn module classes and torch.optim optimizers that tapegrad has."""
import argparse
import importlib
import inspect
import json
import re
import sys

# torch namespace -> the tapegrad module a ported script reaches through the import route
NAMESPACES = {"torch": "autograd", "torch.linalg": "autograd.linalg", "torch.fft": "autograd.fft",
              "torch.special": "autograd.special", "torch.nn.functional": "nn.functional",
              "torch.Tensor": "autograd:Tensor"}
# Left out of the list, as issue 3/9 counts it: quantized, sparse-layout, vendor-specific and internal names.
EXCLUDED = re.compile(
    r"^_|quantiz|^q_|^int_repr|fake_quant|sparse|^to_sparse|csr|csc|bsr|bsc|crow|ccol|^coalesce|is_coalesced"
    r"|^indices$|^values$|^dense_dim|^sparse_dim|^_nnz|mkldnn|cudnn|miopen|fbgemm|nnpack|vulkan|mps|xpu|hpu|ipu"
    r"|mtia|nested|^is_nonzero$|^storage|untyped_storage|^data_ptr|^record_stream|^share_memory_|^is_shared"
    r"|^pin_memory|^is_pinned|^cuda$|^cpu$|^to_mkldnn|^fbgemm|^prepare_|^native_|^batch_norm_|^segment_reduce"
    r"|^conv_tbc|^cudnn|^quantile_|^fused_|^choose_qparams|^dsplit_|^has_names|^refine_names|^rename|^align_"
    r"|^names$|^unflatten_dense|^is_inference|^module_load|^smm$|^sspaddmm|^hspmm|^saddmm|^spmm$|^dist_|^sym_"
    r"|^qscheme$|^is_maia$|^is_xla$|^dsmm$|^hsmm$|^col_indices|^row_indices|^indices_copy$|^values_copy$")


def public_lists(torch):
    """(namespace, name) pairs of the op list, from torch.overrides.get_testing_overrides()."""
    funcs = set(torch.overrides.get_testing_overrides())
    pairs = []
    for ns in NAMESPACES:
        obj = torch.Tensor if ns == "torch.Tensor" else importlib.import_module(ns)
        for name in sorted(dir(obj)):
            if EXCLUDED.search(name):
                continue
            try:
                value = getattr(obj, name)
            except AttributeError:
                continue
            if ns == "torch.Tensor":
                value = vars(torch.Tensor).get(name, getattr(torch._C.TensorBase, name, value))
                value = getattr(value, "__get__", value) if not callable(value) or hasattr(value, "fget") else value
            if getattr(value, "__hash__", None) and value in funcs:
                pairs.append((ns, name))
    return pairs


def _ours(ns):
    target = NAMESPACES[ns]
    mod, _, attr = target.partition(":")
    try:
        m = importlib.import_module(mod)
    except ImportError:
        return None
    return getattr(m, attr) if attr else m


def _classes(module, base):
    return sorted(n for n, v in vars(module).items()
                  if inspect.isclass(v) and issubclass(v, base) and not n.startswith("_") and v is not base)


def coverage(torch):
    """A dict: per namespace (have, total, missing), and the nn classes and optimizers missing."""
    import nn as our_nn
    import optim as our_optim

    result = {}
    for ns, name in public_lists(torch):
        ours = _ours(ns)
        row = result.setdefault(ns, {"have": 0, "total": 0, "missing": []})
        row["total"] += 1
        if ours is not None and hasattr(ours, name):
            row["have"] += 1
        else:
            row["missing"].append(name)
    modules = [n for n in _classes(torch.nn, torch.nn.Module) if not re.search(r"^(Module|Container)$|Quant", n)]
    result["torch.nn modules"] = _row(modules, our_nn)
    optims = _classes(torch.optim, torch.optim.Optimizer)
    result["torch.optim optimizers"] = _row(optims, our_optim)
    return result


def _row(names, ours):
    missing = [n for n in names if not hasattr(ours, n)]
    return {"have": len(names) - len(missing), "total": len(names), "missing": missing}


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--missing", action="store_true", help="list the names tapegrad lacks")
    p.add_argument("--json", help="also write the result to this file")
    args = p.parse_args(argv)
    try:
        import torch
    except ImportError:
        print("api_coverage needs PyTorch installed (pip install torch==2.13.0)")
        return None
    result = coverage(torch)
    fn_have = sum(r["have"] for k, r in result.items() if k in NAMESPACES)
    fn_total = sum(r["total"] for k, r in result.items() if k in NAMESPACES)
    for k, r in result.items():
        print(f"{k:24s} {r['have']:4d} / {r['total']:4d}  {r['have'] / max(r['total'], 1):6.1%}")
        if args.missing and r["missing"]:
            print("    missing: " + " ".join(r["missing"]))
    print(f"{'functions, all':24s} {fn_have:4d} / {fn_total:4d}  {fn_have / fn_total:6.1%}")
    result["functions"] = {"have": fn_have, "total": fn_total, "share": fn_have / fn_total}
    if args.json:
        with open(args.json, "w") as f:
            json.dump(result, f, indent=1)
    return result


if __name__ == "__main__":
    sys.exit(0 if main() is not None else 1)
