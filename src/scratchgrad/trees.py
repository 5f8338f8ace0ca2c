"""Arguments that are lists, tuples and dicts of arrays, as the course's ``params``.

grad flattens such an argument into its arrays, named after where they are
('params[0]', "params['W1']"), wraps each as a leaf, and hands the gradients back in the
same structure, each one an array of the caller's own.
"""
from __future__ import annotations

import inspect
from functools import lru_cache

import numpy as np

ARRAYS = {np.ndarray}


def flatten(tree, path):
    """(items, names, rebuild): the arrays and numbers in tree, their names, and a function
    that puts a list of new items in their places: ``rebuild(items)`` is tree again.

    tree: an array, a number, or a list, tuple or dict of them (nested or not)
    path: the name of the tree ('params'), or None
    """
    if type(tree) is list and ARRAYS.issuperset(map(type, tree)):
        return tree, item_names(path, len(tree)), list      # the usual case: a list of arrays
    items, names = [], []

    def collect(x, name):
        items.append(x)
        names.append(name)
    map_leaves(collect, tree, path)

    def rebuild(new):
        replacements = iter(new)
        return map_leaves(lambda x, name: next(replacements), tree)
    return items, names, rebuild


@lru_cache(maxsize=64)
def item_names(path, length):
    """('params[0]', 'params[1]', ...): the names of the items of a list (made once)."""
    return tuple(path and f"{path}[{i}]" for i in range(length))


def map_leaves(f, tree, path=None):
    """Call ``f(x, path)`` on each array or number x in tree, keeping its list/tuple/dict structure.

    ``path`` names x after the tree ('params[0]') if the tree's name is given, else is None.
    """
    if isinstance(tree, (list, tuple)):
        items = [map_leaves(f, x, path and f"{path}[{i}]") for i, x in enumerate(tree)]
        if type(tree) is list:
            return items
        return type(tree)(*items) if hasattr(tree, "_fields") else type(tree)(items)
    if isinstance(tree, dict):
        return {k: map_leaves(f, x, path and f"{path}[{k!r}]") for k, x in tree.items()}
    return f(tree, path)


def argument_names(fun):
    """The names of fun's positional parameters, for naming leaves ('params', 'X')."""
    try:
        parameters = inspect.signature(fun).parameters.values()
    except (TypeError, ValueError):
        return []
    return [p.name for p in parameters if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)]


def hand_back(grads, leaves, given):
    """The gradients of ``leaves``, taken out of ``grads`` ({leaf: gradient}), for the caller.

    Each has its leaf's shape and dtype (zeros if the leaf was not used), and shares its
    memory with nothing else: the walk's own array if it made one for this leaf alone,
    else a copy (a VJP may hand the same array, or views of it, to two parents).
    ``given`` holds the ids of the arrays handed out already, over several calls.
    """
    found = []
    for leaf in leaves:
        g = grads.pop(leaf, None)
        value = leaf.value
        if g is None:
            g = np.zeros_like(value)
        elif not isinstance(value, np.ndarray):
            g = value.dtype.type(g)                 # a number stays a number
        elif type(g) is np.ndarray and g.base is None and g.dtype == value.dtype \
                and id(g) not in given:
            given.add(id(g))                        # the walk's own array, given once
        else:
            g = np.array(g, dtype=value.dtype)
        found.append(g)
    return found
