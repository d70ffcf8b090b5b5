"""The README's Python snippets run as written against a freshly built output."""

from __future__ import annotations

import os
import re
import shutil

import pytest

from pipeline import config
from pipeline.exports import write_exports

SNIPPETS = re.findall(r"```python\n(.*?)```", (config.ROOT / "README.md").read_text(encoding="utf-8"), re.S)


def test_readme_has_snippets():
    assert len(SNIPPETS) >= 3


@pytest.mark.parametrize("snippet", SNIPPETS, ids=[f"snippet{i}" for i in range(len(SNIPPETS))])
def test_snippet_runs(snippet, sample_output, tmp_path, capsys):
    for module in re.findall(r"^import (\w+)", snippet, re.M):
        pytest.importorskip(module)
    shutil.copytree(sample_output, tmp_path / "data" / "processed")
    write_exports(tmp_path / "data" / "processed")
    cwd = os.getcwd()
    os.chdir(tmp_path)
    try:
        exec(compile(snippet, "README.md", "exec"), {})
    finally:
        os.chdir(cwd)
    capsys.readouterr()
