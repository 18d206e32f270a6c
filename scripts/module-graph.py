#!/usr/bin/env python3
"""Imports between the crate's top-level modules (src/<module>), and any import circle.

Usage: scripts/module-graph.py [--sub config]   (default: top-level modules of src/)
Exit 1 when a circle exists. A `crate::x` inside #[cfg(test)] code still counts; one in a comment does not.
"""
import os, re, sys
from collections import defaultdict

root = os.path.join(os.path.dirname(__file__), "..", "src")
sub = None
if len(sys.argv) > 2 and sys.argv[1] == "--sub":
    sub = sys.argv[2]

base = os.path.join(root, sub) if sub else root
prefix = f"crate::{sub}::" if sub else "crate::"

def unit_of(path):
    rel = os.path.relpath(path, base)
    first = rel.split(os.sep)[0]
    return first[:-3] if first.endswith(".rs") else first

use_re = re.compile(r"\b(?:crate|super)::([a-z_][a-z0-9_]*)")
edges = defaultdict(set)
units = set()
for dirpath, _, files in os.walk(base):
    for f in files:
        if not f.endswith(".rs"):
            continue
        p = os.path.join(dirpath, f)
        u = unit_of(p)
        if u in ("mod", "lib", "main"):
            u = "(root)"
        units.add(u)
        # Comments (doc links included) are not imports.
        text = "\n".join(re.sub(r"//.*", "", l) for l in open(p, encoding="utf-8"))
        if sub:
            pat = re.compile(r"\bcrate::" + sub + r"::([a-z_][a-z0-9_]*)")
            found = pat.findall(text)
            # `super::x` from a file directly in the sub folder
            if os.path.dirname(p) == base:
                found += re.findall(r"\bsuper::([a-z_][a-z0-9_]*)", text)
        else:
            found = re.findall(r"\bcrate::([a-z_][a-z0-9_]*)", text)
        for t in found:
            if t != u and t not in ("self",):
                edges[u].add(t)

# Tarjan's strongly connected components
index, low, stack, on, sccs, i = {}, {}, [], set(), [], [0]
def strong(v):
    index[v] = low[v] = i[0]; i[0] += 1; stack.append(v); on.add(v)
    for w in edges.get(v, ()):
        if w not in index:
            strong(w); low[v] = min(low[v], low[w])
        elif w in on:
            low[v] = min(low[v], index[w])
    if low[v] == index[v]:
        comp = []
        while True:
            w = stack.pop(); on.discard(w); comp.append(w)
            if w == v: break
        sccs.append(comp)
sys.setrecursionlimit(10000)
for v in sorted(set(edges) | {t for s in edges.values() for t in s}):
    if v not in index:
        strong(v)
circles = [sorted(c) for c in sccs if len(c) > 1]
for u in sorted(edges):
    print(f"{u} -> {', '.join(sorted(edges[u]))}")
if circles:
    for c in circles:
        print("circle:", " <-> ".join(c))
    sys.exit(1)
print("no import circle")
