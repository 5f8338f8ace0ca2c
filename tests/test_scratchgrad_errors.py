"""scratchgrad fails loudly, with the cause and the fix, instead of computing wrong numbers."""
from __future__ import annotations

import numpy
import pytest

import scratchgrad
import scratchgrad.numpy as np
from scratchgrad import NotDifferentiable, grad

X = numpy.array([[0.5, -1.0, 2.0], [1.5, 0.25, -0.75]])

# Functions that differentiate through something scratchgrad has no VJP for, and the
# name the error must give.  Through our namespace, through plain numpy, as methods.
NO_VJP = {
    "np.cumsum(x)": "numpy.cumsum",
    "numpy.cumsum(x)": "numpy.cumsum",
    "np.prod(x)": "numpy.prod",
    "numpy.prod(x, axis=0)": "numpy.prod",
    "np.linalg.norm(x)": "numpy.linalg.norm",
    "np.vstack([x, x])": "numpy.vstack",
    "numpy.arctan(x)": "numpy.arctan",
    "numpy.add.reduce(x)": "numpy.add.reduce",
    "numpy.multiply.outer(x, x)": "numpy.multiply.outer",
}


@pytest.mark.parametrize("call", list(NO_VJP))
def test_a_numpy_function_without_a_vjp_raises_an_error_naming_it_and_the_table(call):
    def f(x):
        return np.sum(eval(call, {"np": np, "numpy": numpy}, {"x": x}))
    with pytest.raises(NotDifferentiable) as error:
        grad(f)(X)
    message = str(error.value)
    name = NO_VJP[call]
    assert message.startswith(f"scratchgrad cannot differentiate {name}")
    assert "scratchgrad/vjps.py" in message
    assert f"add a line for {name.removeprefix('numpy.')} to the VJP table" in message


def test_the_message_for_a_missing_vjp_is_the_one_in_the_style_guide():
    with pytest.raises(NotDifferentiable) as error:
        grad(lambda x: np.sum(np.cumsum(x)))(X)
    assert str(error.value) == (
        "scratchgrad cannot differentiate numpy.cumsum: it has no VJP in scratchgrad/vjps.py.\n"
        "Use an operation from scratchgrad.numpy, or add a line for cumsum to the VJP table.")


@pytest.mark.parametrize("method", ["cumsum", "prod", "item", "tolist", "std", "var"])
def test_an_ndarray_method_without_a_vjp_raises_an_error_naming_it(method):
    with pytest.raises(AttributeError, match=rf"cannot differentiate ndarray.{method}: .*vjps.py"):
        grad(lambda x: getattr(x, method)())(X)


@pytest.mark.parametrize("method", ["exp", "tanh", "log"])
def test_a_method_that_numpy_arrays_do_not_have_says_to_call_the_function(method):
    with pytest.raises(AttributeError, match=rf"write np.{method}\(x\), with `import scratchgrad.numpy as np`"):
        grad(lambda x: np.sum(getattr(x, method)()))(X)


def test_assigning_into_a_traced_array_is_refused():
    def f(x):
        x[0] = 1.0
        return np.sum(x)
    with pytest.raises(NotDifferentiable, match=r"cannot assign into a traced array"):
        grad(f)(X)


def test_adding_a_traced_value_into_a_plain_array_in_place_is_refused():
    def f(x):
        total = numpy.zeros(3)
        total += x[0]
        return np.sum(total)
    with pytest.raises(NotDifferentiable, match=r"(?s)in place.*a = a \+ x"):
        grad(f)(X)


@pytest.mark.parametrize("escape", ["numpy.array(x)", "numpy.asarray(x)", "float(np.sum(x))",
                                    "numpy.zeros(2) + [np.sum(x), 1.0]", "int(np.sum(x))"])
def test_turning_a_traced_value_into_plain_numbers_is_refused(escape):
    def f(x):
        return np.sum(x * eval(escape, {"np": np, "numpy": numpy}, {"x": x}))
    with pytest.raises(NotDifferentiable, match=r"(?s)gradient would be lost.*x\.value"):
        grad(f)(X)


def test_storing_a_traced_value_into_a_plain_array_is_refused():
    def f(x):
        out = numpy.zeros((2, 3))
        out[0] = x[0]
        return np.sum(out)
    with pytest.raises(NotDifferentiable, match="gradient would be lost"):
        grad(f)(X)


def test_storing_a_traced_number_into_one_element_of_a_plain_array_fails_too():
    # numpy sees a traced value as a sequence (it can be indexed) and refuses it with
    # its own message before asking it for a number: loud, if less helpful.
    def f(x):
        out = numpy.zeros(2)
        out[0] = np.sum(x)
        return np.sum(out)
    with pytest.raises(ValueError, match="setting an array element with a sequence"):
        grad(f)(X)


def test_a_traced_value_passed_as_a_keyword_is_refused_not_dropped():
    with pytest.raises(NotDifferentiable, match="positional"):
        grad(lambda x: np.sum(np.tanh(x=x)))(X)


def test_plain_numpy_on_traced_values_never_silently_leaves_the_graph():
    """Every numpy ufunc either records a node or raises: none returns a plain array."""
    leaf = scratchgrad.Node(numpy.array([[0.5, -1.0], [2.0, 0.25]]), name="x")
    recorded, plain, refused = [], [], []
    for name in dir(numpy):
        ufunc = getattr(numpy, name)
        if not isinstance(ufunc, numpy.ufunc) or ufunc.nin > 2 or ufunc.nout != 1:
            continue
        try:
            with numpy.errstate(all="ignore"):
                result = ufunc(*[leaf] * ufunc.nin)
        except NotDifferentiable:
            refused.append(name)
            continue
        except TypeError:           # numpy's own refusal (e.g. bitwise ops on floats)
            refused.append(name)
            continue
        (recorded if isinstance(result, scratchgrad.Node) else plain).append(name)
    assert {"tanh", "exp", "add", "matmul", "maximum"} <= set(recorded)
    assert "cumsum" not in recorded and "arctan" in refused
    # the only plain results are the ones documented as having no gradient
    assert set(plain) <= {"equal", "not_equal", "less", "less_equal", "greater", "greater_equal",
                          "sign", "floor", "ceil", "isfinite", "isnan", "isinf"}, plain


def test_errors_happen_when_the_function_runs_not_later():
    calls = []

    def f(x):
        calls.append("before")
        y = np.cumsum(x)
        calls.append("after")
        return np.sum(y)
    with pytest.raises(NotDifferentiable):
        grad(f)(X)
    assert calls == ["before"]
