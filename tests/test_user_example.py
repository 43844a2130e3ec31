"""The README's example: property-test your own op in five lines.

``softplus`` stands for an op of your own built on ``Value``. The five lines are the two imports and the
test: it checks softplus's first and second derivatives against central differences at every input
Hypothesis draws, and on a failure shrinks the input and prints a table of what differs.
"""

from hypothesis import given

from autograd import Value
from autograd.testing import assert_gradients_close, reals


def softplus(x: Value) -> Value:
    """log(1 + e^x), a smooth relu: d/dx softplus(x) = sigmoid(x)."""
    return (1 + x.exp()).log()


@given(reals(-5, 5))
def test_softplus(x: float) -> None:
    assert_gradients_close(softplus, [x])
