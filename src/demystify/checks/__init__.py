"""Self-checks for the exercise notebooks.

The shared machinery is in :mod:`demystify.checks.core`; each exercise notebook
imports its checks from a module named after its topic, for example
``from demystify.checks.layers import check_layer_forward``.
"""
from .core import (ARRAY, ARRAYS, FUNCTION, LIST, NUMBER, NUMBERS, SOMETHING, CheckFailed, Kind,
                   call, expect_array, expect_true, fail, hint_for, instance_of, passed)

__all__ = ["ARRAY", "ARRAYS", "FUNCTION", "LIST", "NUMBER", "NUMBERS", "SOMETHING", "CheckFailed",
           "Kind", "call", "expect_array", "expect_true", "fail", "hint_for", "instance_of",
           "passed"]
