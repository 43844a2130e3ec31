"""Reference solutions to the exercises of notebook 03, backpropagation step by step.

``SOLUTIONS`` maps each exercise's name to its answer; the arrays are NumPy's, as in the notebook.
"""

import numpy as np


def sigma(z):
    return 1 / (1 + np.exp(-z))


def sigma_prime(z):
    return sigma(z) * (1 - sigma(z))


# 1. Only the activation's derivative changes.
def delta_tanh(z, y):
    return 2 / len(y) * (np.tanh(z) - y) * (1 - np.tanh(z) ** 2)


# 2. dC/da_j = (a_j - y_j) / (n a_j (1 - a_j)), and sigma'(z_j) = a_j (1 - a_j) cancels it.
def delta_bce(z, y):
    return (sigma(z) - y) / len(y)


# 3. Step 4's equation twice. Each layer adds a factor sigma' <= 1/4: gradients vanish with depth.
def delta1_from_delta3(W2, W3, z1, z2, delta3):
    delta2 = (W3.T @ delta3) * sigma_prime(z2)
    return (W2.T @ delta2) * sigma_prime(z1)


# 4. The sum over the examples of delta a^T is Delta A^T; the mean divides by m.
def batch_grad_W(W, b, A, Y):
    Z = W @ A + b[:, None]
    Delta = 2 / W.shape[0] * (sigma(Z) - Y) * sigma_prime(Z)
    return Delta @ A.T / A.shape[1]


# 5. The size of each gradient, whatever its sign. A small gradient is not a minimum: on a plateau,
#    such as the one at the start of the XOR loss curve, the gradients are small as well.
def should_stop(parameters):
    return max(abs(p.grad) for p in parameters) < 1e-3


SOLUTIONS = {
    "delta_tanh": delta_tanh,
    "delta_bce": delta_bce,
    "delta1_from_delta3": delta1_from_delta3,
    "batch_grad_W": batch_grad_W,
    "should_stop": should_stop,
}
