"""Every line of the README runs as written.

The README's ``bash`` blocks are read line by line (continuations joined, comments dropped) and run in
order with bash in a copy of the repository, beside a link to ``../shared/sources``; then its ``python``
blocks run in the same folder. Lines that need a server (Label Studio, an extractor behind a URL) or that
are the README's two top-level commands (``make demo`` and ``make test``, which CI runs itself) are left
out and listed in :data:`NOT_RUN_HERE` with the reason. The user's own inputs that the README names
(``articles/``, ``more.html``, ``mypackage/model.py``, ``my_model.py``) are made here first.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
README = ROOT / "README.md"
SOURCES = ROOT.parent / "shared" / "sources"

#: Command prefixes not run by this test, and why.
NOT_RUN_HERE = {
    "make demo": "the README's first command: CI runs it from a clean clone",
    "make test": "the README's second command: this test is part of it",
    "make benchmark": "minutes of measurements, not a check",
    "newsevents annotate server": "starts a Label Studio server (tests/test_label_studio_*.py run one)",
    "newsevents annotate push": "needs a Label Studio server",
    "newsevents annotate pull": "needs a Label Studio server",
    "newsevents annotate agreement pulled/": "reads what `annotate pull` wrote from a server (tests/test_label_studio_workflow.py)",
    "newsevents annotate adjudicate pulled/": "reads what `annotate pull` wrote from a server (tests/test_label_studio_workflow.py)",
    "export LABEL_STUDIO": "credentials for the Label Studio server",
    "newsevents eval run --gold build/newsevents --split test --url": "needs the user's HTTP extractor (tests/test_runners.py runs one)",
    "newsevents eval run --gold build/newsevents --split test --llm": "needs a model server (tests/test_llm.py runs a stand-in)",
    "newsevents baselines results": "minutes of retraining when the corpus changed (tests/test_baselines_results.py checks its output)",
    "export NEWSEVENTS_LLM": "a key for a hosted model",
}

#: Commands whose documented exit status for "found something" is 1 (the README says so beside them).
EXIT_FINDS_PROBLEMS = ("newsevents annotate lint",)

USER_FILES = {
    "articles/kabul.txt": "Police arrested two men in Kabul on Monday.\n\nThe men were charged with murder.\n",
    "articles/herat.txt": "A bomb exploded at a market in Herat on Friday, killing three people.\n",
    "more.html": "<html><body><article><h1>Clashes</h1><p>Troops clashed with militants near Mosul on Sunday.</p>"
                 "<p>Two soldiers were wounded.</p></article></body></html>\n",
    "mypackage/__init__.py": "",
    "mypackage/model.py": (
        "from newsevents.baselines.lexicon import predict_with_schema_hints\n\n"
        "def extractor(documents):\n    return predict_with_schema_hints(documents)\n"),
    "my_model.py": (
        "import json\nimport sys\n\nfrom newsevents import Document\n"
        "from newsevents.baselines.lexicon import predict_with_schema_hints\n\n"
        "documents = [Document.from_dict(json.loads(line)) for line in sys.stdin if line.strip()]\n"
        "for prediction in predict_with_schema_hints(documents):\n    print(json.dumps(prediction.to_dict()))\n"),
}


def blocks(language: str) -> list[str]:
    """The README's fenced code blocks in ``language``, in order."""
    return re.findall(rf"^```{language}\n(.*?)^```", README.read_text(encoding="utf-8"), flags=re.MULTILINE | re.DOTALL)


def shell_lines() -> list[str]:
    """Every command line of the bash blocks: continuations joined, comments and blank lines dropped."""
    out = []
    for block in blocks("bash"):
        joined = block.replace("\\\n", " ")
        for line in joined.splitlines():
            line = line.split(" # ")[0].strip() if not line.lstrip().startswith("#") else ""
            if line:
                out.append(line)
    return out


def skipped(line: str) -> str | None:
    return next((why for prefix, why in NOT_RUN_HERE.items() if line.startswith(prefix)), None)


def test_every_readme_command_is_run_or_its_reason_is_stated():
    lines = shell_lines()
    assert len(lines) >= 15
    for line in lines:
        assert line.startswith(("newsevents ", "make ", "export ")), f"README line of unknown kind: {line!r}"


@pytest.fixture(scope="module")
def workdir(tmp_path_factory):
    base = tmp_path_factory.mktemp("readme")
    repo = base / "newsevents"
    shutil.copytree(ROOT, repo, ignore=shutil.ignore_patterns(".git", ".venv", ".label-studio", "build", "demo-output",
                                                             "__pycache__", ".pytest_cache", ".hypothesis", "runs"))
    if SOURCES.exists():
        (base / "shared").mkdir()
        (base / "shared" / "sources").symlink_to(SOURCES)
    for name, text in USER_FILES.items():
        (repo / name).parent.mkdir(parents=True, exist_ok=True)
        (repo / name).write_text(text, encoding="utf-8")
    return repo


@pytest.mark.slow
@pytest.mark.sources
def test_the_readme_runs_as_written(workdir):
    if not SOURCES.exists():
        pytest.skip("../shared/sources is not beside the repository")
    env = {**os.environ, "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}",
           "HF_HUB_OFFLINE": "1", "HF_DATASETS_OFFLINE": "1", "PYTHONPATH": str(workdir)}
    ran = []
    for line in shell_lines():
        if skipped(line):
            continue
        result = subprocess.run(["bash", "-c", line], cwd=workdir, env=env, capture_output=True, text=True, timeout=900)
        assert "Traceback" not in result.stderr, f"{line}\n{result.stderr}"
        expected = (0, 1) if line.startswith(EXIT_FINDS_PROBLEMS) else (0,)
        assert result.returncode in expected, f"README line failed (exit {result.returncode}): {line}\n{result.stdout[-2000:]}\n{result.stderr[-2000:]}"
        ran.append(line)
    assert len(ran) >= 12
    for index, code in enumerate(blocks("python")):
        result = subprocess.run([sys.executable, "-c", code], cwd=workdir, env=env, capture_output=True, text=True, timeout=600)
        assert result.returncode == 0, f"README python block {index + 1} failed:\n{code}\n{result.stderr[-3000:]}"
