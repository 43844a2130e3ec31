"""Reference solutions to the exercises of notebook 04, training an MLP.

``SOLUTIONS`` maps each exercise's name to its answer, as the notebook passes it to ``check``.
"""

import math


# 1. Each layer has (inputs + 1) * outputs parameters: a weight per input and a bias, per neuron.
#    MLP(2, [w, w, 1]) has 3w + (w + 1) w + w + 1 = w^2 + 5w + 1: width costs quadratically.
def n_parameters(nin, nouts):
    sizes = [nin, *nouts]
    return sum((n_in + 1) * n_out for n_in, n_out in zip(sizes, sizes[1:]))


# 2. d/dtheta (alpha theta^2) = 2 alpha theta: the penalty shrinks every weight towards 0 at each
#    step ("weight decay"); with alpha = 0 nothing keeps the weights, and the boundary, small.
def sgd_step_l2(theta, grad, lr, alpha):
    return theta - lr * (grad + 2 * alpha * theta)


# 3. log(1 + e^s) - t s, written so that e^s never overflows. It is positive for every finite s
#    and its derivative sigmoid(s) - t is never 0: the loss keeps pushing, unlike the hinge's.
def bce_with_logits(score, target):
    return max(score, 0.0) + math.log1p(math.exp(-abs(score))) - target * score


# 4. Adam, with the bias corrections that make the first steps about lr long.
def adam_step(theta, g, m, v, t, lr=0.1, beta1=0.9, beta2=0.999, eps=1e-8):
    m = beta1 * m + (1 - beta1) * g
    v = beta2 * v + (1 - beta2) * g * g
    m_hat, v_hat = m / (1 - beta1**t), v / (1 - beta2**t)
    return theta - lr * m_hat / (math.sqrt(v_hat) + eps), m, v


# 5. Each batch's gradient is a mean over its examples; weighted by the batch sizes, they add up to
#    the mean over all examples. A plain mean of the batch gradients is wrong when sizes differ.
def full_batch_grad(batch_grads, batch_sizes):
    return sum(g * n for g, n in zip(batch_grads, batch_sizes)) / sum(batch_sizes)


# 6. repr() writes the shortest text that reads back as exactly the same float (JSON does too).
def exact_text(x):
    return repr(x)


SOLUTIONS = {
    "n_parameters": n_parameters,
    "sgd_step_l2": sgd_step_l2,
    "bce_with_logits": bce_with_logits,
    "adam_step": adam_step,
    "full_batch_grad": full_batch_grad,
    "exact_text": exact_text,
}
