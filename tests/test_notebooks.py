"""The lesson notebooks run without errors on their small setting and show what they teach; the stored files
have no outputs and are what notebooks/build.py writes.

Each notebook runs in a kernel of this interpreter (a kernel spec written to a temporary JUPYTER_PATH, with
temporary Jupyter and IPython folders, so no user-level setup is read or needed), with AG_NOTEBOOK_SMALL=1.
"""

import importlib.util
import json
import pathlib
import shutil
import sys

import pytest

nbformat = pytest.importorskip("nbformat")
nbclient = pytest.importorskip("nbclient")
pytest.importorskip("ipykernel")

FOLDER = pathlib.Path(__file__).resolve().parent.parent / "notebooks"
NOTEBOOKS = sorted(FOLDER.glob("*.ipynb"))
KERNEL = "autograd-core-tests"
HAVE_DOT = shutil.which("dot") is not None
HAVE_MPL = importlib.util.find_spec("matplotlib") is not None
WIDGET = "application/vnd.jupyter.widget-view+json"

# Per notebook: text the cells must print, and output types they must display (when the tool exists).
EXPECTED = {
    "01_graph_and_chain_rule.ipynb": dict(
        text=[
            "o = tanh(n) = 0.7071",
            "by hand:     do/dx1 = -1.5000",
            "o.backward(): do/dx1 = -1.5000",
            "o.backward(): do/dw1 = +1.0000",
            "o.backward(): do/dx2 = +0.5000",
            "o.backward(): do/dw2 = +0.0000",
            "o.backward(): do/db  = +0.5000",
            "the engine agrees",
            "tanh receives 1, local gradient 1 - out² = 0.5, sends 0.5",
            "step 5/5",
        ],
        mime=["image/svg+xml"] if HAVE_DOT else [],
        fallback=[] if HAVE_DOT else ["Tanh  'o'"],
    ),
    "02_convolutions.ipynb": dict(
        text=[
            "W = (N + 2P - F)/S + 1 = 32",
            "32x32x3, six 5x5x3 filters -> (28, 28, 6)",
            "quiz: number of parameters -> 760",
            "[[4. 3. 4.]\n [2. 4. 3.]\n [2. 3. 4.]]",
            "top-left by hand: 4",
            "7x7, 3x3 filter, stride 3 -> ValueError",
        ],
        mime=[],
        fallback=[],
    ),
    "03_cnn_digits.ipynb": dict(
        text=["train (200, 1, 8, 8)", "epoch 2: last batch loss", "test accuracy"],
        mime=["image/png"] if HAVE_MPL else [],
        fallback=[],
        progress=True,
    ),
    "04_rnn_and_vanishing_gradients.ipynb": dict(
        text=[
            " rnn: final loss",
            "lstm: final loss",
            " gru: final loss",
            "||dL/dh_t|| at t =",
            "measured, ρ(W_hh) = 1.10",
            "no clipping",
            "clip_grad_norm_(1.0)",
        ],
        exploded=True,
        mime=["image/png"] if HAVE_MPL else [],
        fallback=[],
    ),
}


def test_every_notebook_is_checked():
    assert [p.name for p in NOTEBOOKS] == sorted(EXPECTED)


@pytest.fixture(scope="module")
def kernel(tmp_path_factory):
    """A kernel spec for this interpreter, found through JUPYTER_PATH (searched before the user's folders)."""
    root = tmp_path_factory.mktemp("jupyter")
    spec = root / "kernels" / KERNEL
    spec.mkdir(parents=True)
    (spec / "kernel.json").write_text(
        json.dumps(
            {
                "argv": [sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"],
                "display_name": "autograd-core tests",
                "language": "python",
            }
        )
    )
    mp = pytest.MonkeyPatch()
    mp.setenv("JUPYTER_PATH", str(root))
    for var, sub in (("JUPYTER_RUNTIME_DIR", "runtime"), ("JUPYTER_CONFIG_DIR", "config"), ("IPYTHONDIR", "ipython")):
        mp.setenv(var, str(root / sub))  # nothing of the user's Jupyter or IPython setup is read or written
    mp.setenv("AG_NOTEBOOK_SMALL", "1")
    mp.setenv("PYDEVD_DISABLE_FILE_VALIDATION", "1")  # the kernel's debugger otherwise warns on stderr
    yield KERNEL
    mp.undo()


def run(path, kernel_name):
    nb = nbformat.read(path, as_version=4)
    client = nbclient.NotebookClient(
        nb, kernel_name=kernel_name, timeout=120, resources={"metadata": {"path": str(FOLDER)}}
    )
    client.execute()  # raises CellExecutionError, naming the cell, when one fails
    return nb


def outputs(nb):
    return [out for cell in nb.cells if cell.cell_type == "code" for out in cell.outputs]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_notebook_runs_and_shows_its_lesson(path, kernel):
    nb = run(path, kernel)
    outs = outputs(nb)
    assert not [o for o in outs if o.output_type == "error"]
    printed = "".join(o.text for o in outs if o.output_type == "stream" and o.name == "stdout")
    assert "small setting" in printed
    expected = EXPECTED[path.name]
    for text in expected["text"] + expected["fallback"]:
        assert text in printed, f"{path.name}: {text!r} not printed"
    shown = {mime for o in outs if o.output_type in ("display_data", "execute_result") for mime in o.data}
    for mime in expected["mime"]:
        assert mime in shown, f"{path.name}: nothing displayed as {mime} (displayed: {sorted(shown)})"
    if expected.get("progress"):  # tqdm.auto: a widget with ipywidgets, else a text bar on stderr
        stderr = "".join(o.text for o in outs if o.output_type == "stream" and o.name == "stderr")
        assert WIDGET in shown or "epoch 2/2: 100%" in stderr, f"{path.name}: no progress bar"
    if expected.get("exploded"):
        unclipped = next(line for line in printed.splitlines() if line.startswith("no clipping"))
        clipped = next(line for line in printed.splitlines() if line.startswith("clip_grad_norm_"))
        assert ("nan" in unclipped or "inf" in unclipped) and not ("nan" in clipped or "inf" in clipped)


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_stored_notebook_has_no_outputs(path):
    nb = nbformat.read(path, as_version=4)
    nbformat.validate(nb)
    assert nb.cells[0].cell_type == "markdown" and "**What this teaches:**" in nb.cells[0].source
    for i, cell in enumerate(nb.cells):
        if cell.cell_type == "code":
            assert cell.outputs == [] and cell.execution_count is None, f"{path.name}: cell {i} was stored run"


def test_stored_notebooks_are_what_build_py_writes():
    spec = importlib.util.spec_from_file_location("notebooks_build", FOLDER / "build.py")
    build = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(build)
    assert build.main(["--check"]) == 0, "run: python notebooks/build.py"
