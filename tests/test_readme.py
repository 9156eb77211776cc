"""The README's Python examples run as written (in order, sharing one namespace, as a reader would)."""

import pathlib
import re
import shutil

import pytest

README = pathlib.Path(__file__).resolve().parents[1] / "README.md"


@pytest.mark.skipif(shutil.which("dot") is None, reason="the viz example renders with Graphviz's dot")
def test_readme_python_blocks_run(tmp_path, monkeypatch, capsys):
    blocks = re.findall(r"```python\n(.*?)```", README.read_text(encoding="utf-8"), re.S)
    assert len(blocks) >= 4
    monkeypatch.chdir(tmp_path)  # the examples write under out/
    namespace = {}
    for i, block in enumerate(blocks):
        exec(compile(block, f"README.md python block {i}", "exec"), namespace)
    assert (tmp_path / "out" / "lstm.svg").exists()
    assert (tmp_path / "out" / "steps" / "index.html").exists()
    assert "True" in capsys.readouterr().out  # the first block prints gradcheck's verdict
