"""The layer contract (``[tool.importlinter]`` in pyproject.toml): imports point down the data flow only.

core (document, ontology, validation, jsonl, bio, features, errors) <- formats <- extractors <- corpus | eval
<- annotation <- baselines <- demo, cli. The contract is checked on the package as it is, and on a copy with
one planted upward import, which must break it (so the check is known to bite).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
LINT = Path(sys.executable).with_name("lint-imports")


def lint(package_parent: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(package_parent)}
    return subprocess.run([str(LINT), "--config", str(ROOT / "pyproject.toml"), "--no-cache"],
                          cwd=package_parent, env=env, capture_output=True, text=True, timeout=120)


def test_the_package_keeps_its_layers():
    result = lint(ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "1 kept, 0 broken" in result.stdout


@pytest.mark.parametrize(("module", "planted"), [
    ("ontology.py", "import newsevents.annotation.authoring"),   # core reaching up into annotation
    ("corpus/split.py", "import newsevents.eval.score"),          # corpus and eval are independent
    ("formats/textee.py", "import newsevents.extractors"),        # formats sit below extractors
])
def test_a_planted_upward_import_breaks_the_contract(tmp_path, module, planted):
    shutil.copytree(ROOT / "newsevents", tmp_path / "newsevents", ignore=shutil.ignore_patterns("__pycache__"))
    target = tmp_path / "newsevents" / module
    target.write_text(target.read_text(encoding="utf-8") + f"\n{planted}  # planted by the test\n", encoding="utf-8")
    result = lint(tmp_path)
    assert result.returncode != 0
    assert "BROKEN" in result.stdout


def test_every_module_of_the_package_is_in_a_layer():
    import tomllib

    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["importlinter"]
    layered = {name.strip() for layer in config["contracts"][0]["layers"] for name in layer.replace("|", ":").split(":")}
    package = ROOT / "newsevents"
    modules = {f"newsevents.{p.stem}" for p in package.glob("*.py") if p.stem != "__init__"}
    modules |= {f"newsevents.{p.name}" for p in package.iterdir() if (p / "__init__.py").exists()}
    assert modules - layered == set(), "add these modules to a layer of [tool.importlinter] in pyproject.toml"
