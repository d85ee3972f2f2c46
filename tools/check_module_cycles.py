#!/usr/bin/env python3
"""Fails when the `use` edges between the crate's modules form a cycle.

An edge A -> B exists when module A names a path into module B (`use crate::b::…`,
`super::…`, or a `crate::b::…` path in code). A parent's `mod child;` declaration is not
an edge. Written by hand because cargo-modules, which does the same, builds rust-analyzer
(a quarter of an hour on a CI machine) for a check that needs a page of Python.
"""
import re
import sys
from pathlib import Path

SRC = Path(__file__).resolve().parent.parent / "src"


def module_of(path: Path) -> tuple:
    parts = list(path.relative_to(SRC).with_suffix("").parts)
    if parts[-1] in ("mod", "lib", "main"):
        parts = parts[:-1]
    return tuple(parts)


def strip_comments_and_strings(text: str) -> str:
    text = re.sub(r"//[^\n]*", "", text)
    text = re.sub(r"/\*.*?\*/", "", text, flags=re.S)
    return re.sub(r'"(?:\\.|[^"\\])*"', '""', text)


def inline_modules(text: str) -> set:
    """Names of `mod name { … }` blocks (e.g. `mod tests`), whose `super::` means the file."""
    return set(re.findall(r"\bmod\s+(\w+)\s*\{", text))


def main() -> int:
    files = {module_of(p): p for p in SRC.rglob("*.rs") if p.name != "main.rs"}
    modules = set(files)

    def resolve(path: tuple) -> tuple:
        while path and path not in modules:
            path = path[:-1]
        return path

    texts = {}
    for module, path in files.items():
        text = strip_comments_and_strings(path.read_text())
        # A file's test module uses the file's own items through `super::`: not an edge.
        texts[module] = re.sub(r"#\[cfg\(test\)\]\s*mod\s+\w+\s*\{.*", "", text, flags=re.S)

    # `pub use child::Item;` in a module: a path through that module to `Item` leads on.
    reexports = {}
    for module, text in texts.items():
        for use in re.finditer(r"\bpub(?:\([^)]*\))?\s+use\s+([^;]+);", text):
            for target in expand(use.group(1), module, modules):
                reexports[(module, target[-1])] = absolute(module, target)

    def resolve(path: tuple) -> tuple:
        for _ in range(16):
            owner = path
            while owner and owner not in modules:
                owner = owner[:-1]
            rest = path[len(owner):]
            if rest and (owner, rest[0]) in reexports:
                path = tuple(reexports[(owner, rest[0])]) + rest[1:]
                continue
            if rest and (owner, "*") in reexports and not defines(texts[owner], rest[0]):
                path = tuple(reexports[(owner, "*")][:-1]) + rest
                continue
            return owner
        return owner

    edges = {m: set() for m in modules}
    for module, text in texts.items():
        for use in re.finditer(r"\buse\s+([^;]+);", text):
            for target in expand(use.group(1), module, modules):
                add_edge(edges, module, target, resolve)
        children = [m[-1] for m in modules if m[:-1] == module and len(m) == len(module) + 1]
        pattern = r"(?<![\w:])((?:crate|super|self|" + "|".join(children or ["crate"]) + r")(?:::\w+)+)"
        for path_ref in re.finditer(pattern, text):
            add_edge(edges, module, path_ref.group(1).split("::"), resolve)

    cycles = find_cycles(edges)
    for cycle in cycles:
        print("import cycle: " + " -> ".join("::".join(m) or "crate" for m in cycle))
    if cycles:
        return 1
    print(f"no import cycle among {len(modules)} modules")
    return 0


def defines(text: str, name: str) -> bool:
    kinds = r"(?:struct|enum|fn|const|static|type|trait|union|mod|macro_rules!)"
    return re.search(kinds + r"\s+" + re.escape(name) + r"\b", text) is not None


def absolute(module: tuple, segments: list) -> list:
    if segments[0] == "crate":
        return segments[1:]
    base = list(module)
    if segments[0] == "self":
        return base + segments[1:]
    while segments and segments[0] == "super":
        base, segments = base[:-1], segments[1:]
    if segments is not None and segments and segments[0] not in ("crate", "self", "super"):
        return base + segments
    return base + segments


def expand(tree: str, module: tuple = (), modules=frozenset()) -> list:
    """`crate::a::{b, c::d}` -> [[crate,a,b], [crate,a,c,d]]."""
    tree = re.sub(r"\s+", "", tree)
    tree = re.sub(r"\bas\w+", "", tree)
    out = []

    def walk(prefix: list, rest: str):
        if "{" not in rest:
            for item in rest.split(","):
                if item:
                    out.append(prefix + [p for p in item.split("::") if p])
            return
        head, _, body = rest.partition("{")
        body = body[: body.rfind("}")]
        base = prefix + [p for p in head.split("::") if p]
        depth, start = 0, 0
        for i, ch in enumerate(body + ","):
            if ch == "{":
                depth += 1
            elif ch == "}":
                depth -= 1
            elif ch == "," and depth == 0:
                part = body[start:i]
                start = i + 1
                if part:
                    walk(base, part)

    walk([], tree)
    children = {m[-1] for m in modules if m[:-1] == module and len(m) == len(module) + 1}
    return [
        p if p[0] in ("crate", "super", "self") else ["self"] + p
        for p in out
        if p and (p[0] in ("crate", "super", "self") or p[0] in children)
    ]


def add_edge(edges, module, segments, resolve):
    if segments[0] not in ("crate", "super", "self"):
        segments = ["self"] + list(segments)
    target = resolve(tuple(absolute(module, list(segments))))
    if target != module:
        edges[module].add(target)


def find_cycles(edges) -> list:
    """Strongly connected components of more than one module, each shown as one cycle."""
    index, low, stack, on_stack, components = {}, {}, [], set(), []
    counter = [0]

    def strong(v):
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on_stack.add(v)
        for w in edges.get(v, ()):
            if w not in index:
                strong(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                components.append(component)

    sys.setrecursionlimit(10000)
    for v in list(edges):
        if v not in index:
            strong(v)
    return [shortest_cycle(edges, sorted(c)) for c in components]


def shortest_cycle(edges, component):
    members = set(component)
    start = component[0]
    frontier, seen = [[start]], {start}
    while frontier:
        nxt = []
        for path in frontier:
            for w in sorted(edges[path[-1]]):
                if w == start:
                    return path + [start]
                if w in members and w not in seen:
                    seen.add(w)
                    nxt.append(path + [w])
        frontier = nxt
    return component


if __name__ == "__main__":
    sys.exit(main())
