"""Reference solutions to the exercises of notebook 05, checking gradients.

``SOLUTIONS`` maps each exercise's name to its answer, as the notebook passes it to ``check``.
"""


# 1. The norm built from the Values: y is in the graph, and d/dx is y^2 / |(x, y)|^3.
def normalize(x, y):
    norm = (x**2 + y**2).sqrt()
    return x / norm


# 2. m is a node now, but the result does not depend on it: d/dm [m + log sum e^(x - m)] = 1 - 1 = 0,
#    so the gradient is the same softmax, and gradcheck passes as before.
def logsumexp_values(*xs):
    m = max(xs, key=lambda x: x.data)
    return m + sum((x - m).exp() for x in xs).log()


# 3. sigmoid(x) = 1 / (1 + e^-x) in arithmetic that works on Values: math.e ** -x is a node.
def softplus_rule(out, x):
    return (1 / (1 + 2.718281828459045**-x),)


# 4. d/dx sqrt(x^2 + y^2) = x / out. A swapped rule is right wherever x = y, so its shrunk failure
#    never has x = y.
def hypot_rule(out, x, y):
    return x / out, y / out


# 5. 3 * x ** 2 on the Value itself, not on real(x): its own derivative, 6x, then exists.
def cube_rule(out, x):
    return (3 * x**2,)


SOLUTIONS = {
    "normalize": normalize,
    "logsumexp_values": logsumexp_values,
    "softplus_rule": softplus_rule,
    "hypot_rule": hypot_rule,
    "cube_rule": cube_rule,
}
