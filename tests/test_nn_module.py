"""Module: parameter names, modes, and state dicts, good and bad."""

from __future__ import annotations

import json
from typing import Any

import pytest

import autograd
from autograd import Value
from nn import MLP, SGD, Module, Neuron


def test_named_parameters_follow_the_attributes_as_pytorch_names_them() -> None:
    names = [name for name, _ in MLP(2, [16, 16, 1], seed=0).named_parameters()]
    assert names[:3] == ["layers.0.neurons.0.w.0", "layers.0.neurons.0.w.1", "layers.0.neurons.0.b"]
    assert "layers.1.neurons.3.w.15" in names
    assert names[-1] == "layers.2.neurons.0.b"
    assert len(set(names)) == len(names) == 337


def test_named_parameters_are_in_the_same_order_as_parameters() -> None:
    model = MLP(2, [3, 1], seed=0)
    assert [p for _, p in model.named_parameters()] == model.parameters()


class Tied(Module):
    """A module of my own: a Value attribute, a list of submodules, and one neuron used twice."""

    def __init__(self) -> None:
        self.scale = Value(2.0)
        shared = Neuron(1, nonlin=False, seed=0)
        self.blocks = [shared, Neuron(1, nonlin=False, seed=1), shared]

    def forward(self, x: float) -> Value:
        out: Value = self.scale * x
        for block in self.blocks:
            out = block([out])
        return out


def test_a_shared_parameter_is_listed_once_under_its_first_name() -> None:
    tied = Tied()
    assert tied.parameters() == [p for _, p in tied.named_parameters()]
    assert [name for name, _ in tied.named_parameters()] == [
        "scale",
        "blocks.0.w.0",
        "blocks.0.b",
        "blocks.1.w.0",
        "blocks.1.b",
    ]


def test_a_module_without_forward_says_so() -> None:
    with pytest.raises(NotImplementedError, match="Module has no forward"):
        Module()()


def test_zero_grad_resets_what_backward_accumulated() -> None:
    model = Tied()
    model(1.5).backward()
    assert any(p.grad for p in model.parameters())
    model.zero_grad()
    assert all(p.grad == 0 for p in model.parameters())


def test_train_and_eval_set_every_module() -> None:
    model = MLP(2, [2, 1], seed=0)
    assert model.eval() is model
    assert not any(m.training for _, m in model.named_modules())
    model.train()
    assert all(m.training for _, m in model.named_modules())


def test_a_state_dict_is_plain_json_and_round_trips_exactly() -> None:
    source, target = MLP(2, [4, 1], seed=0), MLP(2, [4, 1], seed=1)
    text = json.dumps(source.state_dict())
    target.load_state_dict(json.loads(text))
    assert target.state_dict() == source.state_dict()
    assert target([0.3, -0.7]).data == source([0.3, -0.7]).data


def test_a_submodule_loads_its_own_part_of_a_state_dict() -> None:
    model = MLP(2, [3, 1], seed=0)
    neuron = Neuron(2, seed=5)
    neuron.load_state_dict(model.layers[0].neurons[1].state_dict())
    assert [w.data for w in neuron.w] == [w.data for w in model.layers[0].neurons[1].w]


def good() -> dict[str, Any]:
    return MLP(2, [2, 1], seed=1).state_dict()


@pytest.mark.parametrize(
    ("state", "listed"),
    [
        (
            {k: v for k, v in good().items() if k != "layers.0.neurons.1.b"},
            ["missing", "'layers.0.neurons.1.b'"],
        ),
        ({**good(), "layers.0.neurons.2.b": 1.0}, ["unexpected", "'layers.0.neurons.2.b'"]),
        ({**good(), "layers.1.neurons.0.w.0": "0.5"}, ["not numbers", "'layers.1.neurons.0.w.0' is str"]),
        ({**good(), "layers.1.neurons.0.b": True}, ["not numbers", "'layers.1.neurons.0.b' is bool"]),
        ({**good(), "layers.1.neurons.0.b": None}, ["not numbers", "'layers.1.neurons.0.b' is NoneType"]),
        ({**good(), "layers.1.neurons.0.b": [1.0]}, ["not numbers", "'layers.1.neurons.0.b' is list"]),
        ({**good(), "layers.1.neurons.0.b": 10**400}, ["not numbers", "'layers.1.neurons.0.b' is int"]),
        (
            {
                **{k: v for k, v in good().items() if not k.endswith(".b")},
                "extra": 1,
                "layers.0.neurons.0.w.0": "x",
            },
            [
                "'layers.0.neurons.0.b'",
                "'layers.0.neurons.1.b'",
                "'layers.1.neurons.0.b'",
                "'extra'",
                "w.0' is str",
            ],
        ),
    ],
)
def test_a_bad_state_dict_lists_every_offending_key_and_changes_nothing(
    state: dict[str, Any], listed: list[str]
) -> None:
    model = MLP(2, [2, 1], seed=0)
    before = model.state_dict()
    with pytest.raises(ValueError, match="the model is unchanged") as error:
        model.load_state_dict(state)
    for text in listed:
        assert text in str(error.value)
    assert model.state_dict() == before


def test_a_state_dict_must_be_a_dict() -> None:
    with pytest.raises(TypeError, match=r"takes a dict of parameter names to numbers.*got list"):
        MLP(2, [1], seed=0).load_state_dict([1.0, 2.0, 3.0])  # type: ignore[arg-type]


def test_a_state_dict_of_numpy_scalars_loads_as_floats() -> None:
    np = pytest.importorskip("numpy")
    model = MLP(2, [3, 1], seed=0)
    expected = model.state_dict()
    model.load_state_dict({name: np.float32(value) for name, value in expected.items()})
    assert model.state_dict() == {name: float(np.float32(value)) for name, value in expected.items()}


class Nested(Module):
    """Parameters as a user may hold them: a matrix as a list of rows (what ``autograd.dot(W, x)``
    takes), a dict of submodules, a tuple, and a dict of lists of Values."""

    def __init__(self) -> None:
        self.W = [[Value(1.0), Value(2.0)], [Value(3.0), Value(4.0)]]
        self.heads = {"query": Neuron(2, seed=0), "key": Neuron(2, seed=1)}
        self.pair = (Value(5.0), [Value(6.0)])
        self.table = {"scale": [Value(7.0)], 3: Value(8.0)}
        self.name = "not a parameter"
        self.sizes = [2, [2, 1]]

    def forward(self, x: list[float]) -> Value:
        return autograd.sum(autograd.dot(self.W, x)) + self.heads["query"](x) * self.table["scale"][0]


NESTED_NAMES = [
    "W.0.0",
    "W.0.1",
    "W.1.0",
    "W.1.1",
    "pair.0",
    "pair.1.0",
    "table.scale.0",
    "table.3",
    "heads.query.w.0",
    "heads.query.w.1",
    "heads.query.b",
    "heads.key.w.0",
    "heads.key.w.1",
    "heads.key.b",
]


def test_values_and_modules_in_nested_lists_tuples_and_dicts_are_found_and_named() -> None:
    model = Nested()
    assert [name for name, _ in model.named_parameters()] == NESTED_NAMES
    assert model.parameters() == [p for _, p in model.named_parameters()]
    assert list(model.state_dict()) == NESTED_NAMES
    assert model.state_dict()["W.1.0"] == 3.0
    assert [name for name, _ in model.named_modules()] == ["", "heads.query", "heads.key"]


def test_a_matrix_held_as_a_list_of_rows_trains_and_is_saved() -> None:
    model = Nested()
    optimizer = SGD(model.parameters(), lr=0.1)
    model([1.0, -1.0]).backward()
    optimizer.step()
    assert model.W[0][0].data == 1.0 - 0.1 * 1.0  # d/dW00 of sum(W x) is x0
    assert model.W[1][1].data == 4.0 - 0.1 * -1.0
    restored = Nested()
    restored.load_state_dict(model.state_dict())
    assert restored.W[0][0].data == model.W[0][0].data


def test_a_module_that_refers_back_to_itself_is_walked_once() -> None:
    model = Nested()
    model.heads["query"].owner = model  # type: ignore[attr-defined]  # a back reference, as a tree may hold
    cycle: list[Any] = [Value(9.0)]
    cycle.append(cycle)
    model.cycle = cycle  # type: ignore[attr-defined]
    assert [name for name, _ in model.named_parameters()] == [*NESTED_NAMES[:8], "cycle.0", *NESTED_NAMES[8:]]
    assert [name for name, _ in model.named_modules()] == ["", "heads.query", "heads.key"]


def test_a_shared_module_is_one_module() -> None:
    assert [name for name, _ in Tied().named_modules()] == ["", "blocks.0", "blocks.1"]


def test_two_parameters_of_the_same_name_are_refused() -> None:
    model = Module()
    model.table = {"0": Value(1.0), 0: Value(2.0)}  # type: ignore[attr-defined]
    with pytest.raises(ValueError, match=r"two parameters named 'table\.0'"):
        model.state_dict()
