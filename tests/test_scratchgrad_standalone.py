"""scratchgrad is a library of its own: it needs numpy (and graphviz to draw), not the course."""
import ast
import subprocess
import sys
from pathlib import Path

import pytest

COURSE_AND_FRAMEWORKS = {"demystify", "torch", "autograd", "pandas", "matplotlib"}
LOADED = ("import sys, scratchgrad, scratchgrad.numpy, scratchgrad.drawing\n"
          "print(' '.join(sorted({m.split('.')[0] for m in sys.modules})))")


def test_importing_scratchgrad_loads_no_course_module_nor_torch_nor_autograd():
    done = subprocess.run([sys.executable, "-c", LOADED], capture_output=True, text=True, check=True)
    loaded = set(done.stdout.split())
    assert "scratchgrad" in loaded and "numpy" in loaded
    assert not loaded & COURSE_AND_FRAMEWORKS


SCRATCHGRAD = Path(__import__("scratchgrad").__file__).parent


@pytest.mark.parametrize("path", sorted(SCRATCHGRAD.glob("*.py")), ids=lambda p: p.name)
def test_no_scratchgrad_module_imports_the_course_package_even_lazily(path):
    imported = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            imported |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            imported.add(node.module.split(".")[0])
    assert not imported & COURSE_AND_FRAMEWORKS, f"{path.name} imports {imported & COURSE_AND_FRAMEWORKS}"
