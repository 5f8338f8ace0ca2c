"""Self-checks for the exercise notebooks.

The shared machinery is in :mod:`demystify.checks.core`; each exercise notebook
imports its checks from a module named after its topic, for example
``from demystify.checks.layers import check_layer_forward``.
"""
from .core import CheckFailed, expect_array, expect_true, fail, passed

__all__ = ["CheckFailed", "expect_array", "expect_true", "fail", "passed"]
