"""Static import rules of the packages, read with ast: the graph, function-level imports, module patching."""
import ast

# third-party packages that are optional extras: only these may be imported inside a function
OPTIONAL = {"cupy", "cupyx", "scipy", "matplotlib", "ml_dtypes", "mpi4py", "sklearn", "tqdm", "torch", "graphviz",
            "IPython", "ipywidgets", "safetensors"}


def modules(root, packages):
    """{dotted module name: path} for every .py file under the given packages of `root`."""
    out = {}
    for pkg in packages:
        for path in sorted((root / pkg).rglob("*.py")):
            parts = list(path.relative_to(root).with_suffix("").parts)
            if parts[-1] == "__init__":
                parts.pop()
            out[".".join(parts)] = path
    return out


def _target(name, is_pkg, node):
    """The absolute module an ImportFrom names (its `from` part)."""
    if not node.level:
        return node.module
    base = name.split(".") if is_pkg else name.split(".")[:-1]
    base = base[:len(base) - (node.level - 1)]
    return ".".join(base + ([node.module] if node.module else []))


def imports(name, path, mods):
    """[(imported project module, line, inside a function?)] for one module; names resolve to submodules."""
    tree = ast.parse(path.read_text())
    in_function = {id(n) for f in ast.walk(tree) if isinstance(f, (ast.FunctionDef, ast.AsyncFunctionDef))
                   for n in ast.walk(f) if n is not f}
    out = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            targets = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = _target(name, path.name == "__init__.py", node)
            targets = [f"{base}.{a.name}" if f"{base}.{a.name}" in mods else base for a in node.names]
        else:
            continue
        for t in targets:
            while t and t not in mods:
                t = t.rpartition(".")[0]
            if t and t != name:
                out.append((t, node.lineno, id(node) in in_function))
    return out


def graph(root, packages):
    """{module: set of project modules it imports}."""
    mods = modules(root, packages)
    return {m: {t for t, _, _ in imports(m, p, mods)} for m, p in mods.items()}


def cycles(g):
    """The strongly connected components of more than one module (each a sorted list), iteratively."""
    index, low, stack, on, found, counter = {}, {}, [], set(), [], 0
    for start in g:
        if start in index:
            continue
        work = [(start, iter(sorted(g[start])))]
        index[start] = low[start] = counter
        counter += 1
        stack.append(start)
        on.add(start)
        while work:
            v, it = work[-1]
            for w in it:
                if w not in index:
                    index[w] = low[w] = counter
                    counter += 1
                    stack.append(w)
                    on.add(w)
                    work.append((w, iter(sorted(g.get(w, ())))))
                    break
                if w in on:
                    low[v] = min(low[v], index[w])
            else:
                work.pop()
                if work:
                    low[work[-1][0]] = min(low[work[-1][0]], low[v])
                if low[v] == index[v]:
                    comp = []
                    while True:
                        w = stack.pop()
                        on.discard(w)
                        comp.append(w)
                        if w == v:
                            break
                    if len(comp) > 1 or v in g.get(v, ()):
                        found.append(sorted(comp))
    return found


def function_level_imports(root, packages):
    """['path:line: module'] for imports inside functions that are not of an optional dependency with a comment."""
    bad = []
    for name, path in modules(root, packages).items():
        lines = path.read_text().split("\n")
        tree = ast.parse("\n".join(lines))
        for f in ast.walk(tree):
            if not isinstance(f, (ast.FunctionDef, ast.AsyncFunctionDef)):
                continue
            for node in ast.walk(f):
                if not isinstance(node, (ast.Import, ast.ImportFrom)):
                    continue
                mod = node.names[0].name if isinstance(node, ast.Import) else ("." * node.level + (node.module or ""))
                says_so = "optional" in lines[node.lineno - 1] or "optional" in lines[node.lineno - 2]
                if mod.split(".")[0] not in OPTIONAL or not says_so:
                    bad.append(f"{path.relative_to(root)}:{node.lineno}: {mod}")
    return sorted(set(bad))


def module_patches(root, packages):
    """['path:line: mod.attr'] for module-level assignments onto another imported module (placeholders)."""
    mods = modules(root, packages)
    bad = []
    for name, path in mods.items():
        tree = ast.parse(path.read_text())
        imported_modules = set()
        for node in tree.body:
            if isinstance(node, ast.ImportFrom):
                base = _target(name, path.name == "__init__.py", node)
                imported_modules |= {a.asname or a.name for a in node.names if f"{base}.{a.name}" in mods}
            elif isinstance(node, ast.Import):
                imported_modules |= {a.asname or a.name.split(".")[0] for a in node.names}
        for node in tree.body:
            targets = node.targets if isinstance(node, ast.Assign) else [node.target] if isinstance(
                node, (ast.AugAssign, ast.AnnAssign)) else []
            for t in targets:
                if isinstance(t, ast.Attribute) and isinstance(t.value, ast.Name) and t.value.id in imported_modules:
                    bad.append(f"{path.relative_to(root)}:{node.lineno}: {t.value.id}.{t.attr}")
    return bad
