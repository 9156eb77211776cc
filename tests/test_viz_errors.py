"""Bad input to viz is refused by viz itself, with an error that names the function, the argument and what came."""

import pathlib
import re
import subprocess
import sys

import numpy as np
import pytest

import autograd_core as ag
import viz
from viz.__main__ import main

VIZ = pathlib.Path(viz.__file__).resolve().parent


def raised_by_viz(excinfo):
    """The error comes from viz's own check, not from deep inside NumPy, graphviz or the engine."""
    return VIZ in pathlib.Path(str(excinfo.traceback[-1].path)).resolve().parents


def small():
    x = ag.tensor([1.0, 2.0], requires_grad=True, name="x")
    return (x * 2.0).sum()


ENTRY_POINTS = {
    "draw": lambda t, tmp: viz.draw(t),
    "draw_forward": lambda t, tmp: viz.draw_forward(t),
    "draw_backward": lambda t, tmp: viz.draw_backward(t),
    "render": lambda t, tmp: viz.render(t, tmp / "g.svg"),
    "to_text": lambda t, tmp: viz.to_text(t),
    "backward_steps": lambda t, tmp: viz.backward_steps(t),
    "render_backward_steps": lambda t, tmp: viz.render_backward_steps(t, tmp / "steps"),
    "scope_grads": lambda t, tmp: viz.scope_grads(t),
    "draw_gradcheck": lambda t, tmp: viz.draw_gradcheck(lambda: t, []),
}


@pytest.mark.parametrize("entry", sorted(ENTRY_POINTS))
@pytest.mark.parametrize(
    "given, kind",
    [
        (3.0, "float"),
        ("loss", "str"),
        (None, "NoneType"),
        (np.ones(2), "ndarray"),
        ([small(), 3.0], "float"),
        ({}, "dict"),
    ],
)
def test_every_entry_point_refuses_what_is_not_a_tensor_and_names_it(tmp_path, entry, given, kind):
    with pytest.raises(TypeError, match=rf"viz\.{entry}: .*Tensor.* {kind}\b") as e:
        ENTRY_POINTS[entry](given, tmp_path)
    assert raised_by_viz(e)
    assert not (tmp_path / "g.svg").exists() and not (tmp_path / "steps").exists()


@pytest.mark.parametrize("entry", sorted(ENTRY_POINTS))
def test_an_empty_list_is_refused(tmp_path, entry):
    with pytest.raises(ValueError, match=rf"viz\.{entry}: .*empty list"):
        ENTRY_POINTS[entry]([], tmp_path)


@pytest.mark.parametrize(
    "kwargs, error, words",
    [
        (dict(max_nodes=0), ValueError, "max_nodes must be >= 1, got 0"),
        (dict(max_nodes="10"), TypeError, "max_nodes must be an int or None, got str"),
        (dict(max_nodes=True), TypeError, "max_nodes must be an int or None, got bool"),
        (dict(max_fanout=-1), ValueError, "max_fanout must be >= 1"),
        (dict(max_values=1.5), TypeError, "max_values must be an int, got float"),
        (dict(precision=0), ValueError, "precision must be >= 1"),
        (dict(rankdir="XY"), ValueError, "rankdir must be one of"),
        (dict(mode=None), ValueError, "mode must be one of"),
        (dict(mode="both", recording=3), TypeError, "recording= takes what"),
    ],
)
def test_draw_names_a_bad_keyword(kwargs, error, words):
    with pytest.raises(error, match=words) as e:
        viz.draw(small(), **kwargs)
    assert raised_by_viz(e)


@pytest.mark.parametrize(
    "kwargs, error, words",
    [
        (dict(max_nodes=0), ValueError, "viz.to_text: max_nodes must be >= 1"),
        (dict(max_nodes=2.5), TypeError, "viz.to_text: max_nodes must be an int or None"),
        (dict(precision="4"), TypeError, "viz.to_text: precision must be an int"),
    ],
)
def test_to_text_names_a_bad_keyword(kwargs, error, words):
    with pytest.raises(error, match=words):
        viz.to_text(small(), **kwargs)


def test_render_says_when_the_path_is_not_a_file_it_can_write(tmp_path):
    (tmp_path / "taken").write_text("mine")
    (tmp_path / "dir.svg").mkdir()
    with pytest.raises(ValueError, match="'.*taken' is a file, not a directory"):
        viz.render(small(), tmp_path / "taken" / "g.svg")
    with pytest.raises(ValueError, match="dir.svg' is a directory"):
        viz.render(small(), tmp_path / "dir.svg")
    with pytest.raises(TypeError, match="viz.render: path must be a file name"):
        viz.render(small(), 3)
    with pytest.raises(ValueError, match="is a file, not a directory"):
        viz.render_backward_steps(small(), tmp_path / "taken")
    with pytest.raises(ValueError, match="viz.render_backward_steps: fmt must be one of"):
        viz.render_backward_steps(small(), tmp_path / "steps", fmt="gif")
    assert (tmp_path / "taken").read_text() == "mine" and not (tmp_path / "steps").exists()


def test_draw_gradcheck_names_a_bad_function_input_or_tolerance():
    x = ag.tensor([1.0, 2.0], dtype="float64", requires_grad=True)
    cases = [
        ((3, [x]), {}, TypeError, "fn must be a function"),
        ((lambda a: a.sum(), 3.0), {}, TypeError, "inputs must be a Tensor or a list of them, got float"),
        ((lambda a: 3.0, [x]), {}, TypeError, "fn must return a Tensor .* it returned float"),
        ((lambda a: a.sum(), [x]), dict(eps=0), ValueError, "eps must be a finite number > 0, got 0"),
        ((lambda a: a.sum(), [x]), dict(atol=-1), ValueError, "atol must be a finite number >= 0"),
        ((lambda a: a.sum(), [x]), dict(max_elements=0), ValueError, "max_elements must be >= 1"),
    ]
    for args, kwargs, error, words in cases:
        with pytest.raises(error, match=f"viz.draw_gradcheck: {words}") as e:
            viz.draw_gradcheck(*args, **kwargs)
        assert raised_by_viz(e)


def test_plots_name_what_they_expected():
    w = ag.tensor([1.0], requires_grad=True)
    for bad, words in [
        (3.0, "got float"),
        ([w], "got Tensor at position 0"),
        ([("w", 3.0)], "got tuple at position 0"),
    ]:
        with pytest.raises(TypeError, match=f"viz.plot_grad_flow: expected \\(name, parameter\\) pairs.*{words}"):
            viz.plot_grad_flow(bad)
    with pytest.raises(TypeError, match="viz.plot_grad_over_time: expected a sequence of gradients.*got float"):
        viz.plot_grad_over_time(3.0)
    with pytest.raises(TypeError, match=r"gradient 1 is None \(was it recorded\?\)"):
        viz.plot_grad_over_time([np.ones(2), None])
    with pytest.raises(TypeError, match="gradient 0 is str"):
        viz.plot_grad_over_time(["big"])


@pytest.fixture
def a_file(tmp_path):
    f = tmp_path / "notes.txt"
    f.write_text("keep")
    return f


@pytest.mark.parametrize(
    "argv, words",
    [
        (["--steps", "0"], "argument --steps: the lstm needs at least 1 time step, got 0"),
        (["--steps", "-3"], "argument --steps: the lstm needs at least 1 time step, got -3"),
        (["--steps", "many"], "argument --steps: expected a whole number of time steps, got 'many'"),
        (["--example", "mlp", "--steps", "3"], "argument --steps: only the lstm example has time steps, not mlp"),
        (["--out", "{file}"], "argument --out: '{file}' is a file, not a directory"),
        (["--out", "{file}/sub"], "argument --out: '{file}' is a file, not a directory"),
        (["--collapse", "-1"], "argument --collapse: a depth must be >= 0, got -1"),
        (["--collapse", ""], "argument --collapse: expected a scope name"),
        (
            ["--example", "mlp", "--collapse", "nowhere"],
            "argument --collapse: 'nowhere' matches no scope of the mlp example \\(its scopes: fc1, fc2, loss\\)",
        ),
        (["--example", "mlp", "--collapse", "7"], "argument --collapse: 7 matches no scope"),
        (["--example", "gan"], "argument --example: invalid choice"),
        (["--mode", "sideways"], "argument --mode: invalid choice"),
        (["--format", "jpg"], "argument --format: invalid choice"),
    ],
)
def test_command_line_refuses_bad_options_naming_them(argv, words, a_file, tmp_path, capsys):
    argv = [a.format(file=a_file) for a in argv]
    if "--out" not in argv:
        argv += ["--out", str(tmp_path / "out")]
    with pytest.raises(SystemExit) as e:
        main(argv)
    assert e.value.code == 2
    err = capsys.readouterr().err
    assert err.startswith("usage: python -m viz")
    assert re.search(words.format(file=re.escape(str(a_file))), err), err
    assert a_file.read_text() == "keep" and not (tmp_path / "out").exists()


def test_command_line_exit_code_is_2_for_a_bad_option():
    r = subprocess.run(
        [sys.executable, "-m", "viz", "--steps", "0"], capture_output=True, text=True, cwd=VIZ.parent, timeout=120
    )
    assert r.returncode == 2 and "--steps" in r.stderr and "Traceback" not in r.stderr
