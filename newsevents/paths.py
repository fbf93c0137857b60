"""Where the project's own files are: in a source checkout, or inside an installed wheel.

The ontology (``annotation/schema.yaml``) and the corpus (``corpus/``) live at the top of the
repository; wheels carry copies under ``newsevents/resources/`` (see ``pyproject.toml``). A path in
the checkout wins, so editing the repo's file takes effect at once.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path

#: The repository root when running from a checkout (it may not exist in an installed wheel).
REPO_ROOT = Path(__file__).resolve().parents[1]
#: Copies of repository files inside an installed wheel.
PACKAGED = Path(str(resources.files("newsevents") / "resources"))
#: The bundled example articles (the seed article), searched as a text directory by the build.
EXAMPLES = Path(str(resources.files("newsevents") / "examples"))
#: The example corpus: ``manifest.jsonl``, ``gold/`` and ``splits.jsonl`` of the bundled seed article (the
#: demo input, never part of the corpus), whose ``text_file`` paths are relative to :data:`EXAMPLES`.
EXAMPLE_CORPUS = EXAMPLES / "seed"


def project_path(relative: str) -> Path:
    """``REPO_ROOT / relative`` if it exists, else the packaged copy ``PACKAGED / relative``."""
    in_checkout = REPO_ROOT / relative
    return in_checkout if in_checkout.exists() else PACKAGED / relative


def find_corpus(start: Path | None = None) -> Path:
    """The corpus folder a command uses when not told: the nearest ``corpus/`` with a ``manifest.jsonl``
    in ``start`` (default: the current folder) or any folder above it, else the project's own corpus
    (the checkout's, or the copy inside an installed wheel). Commands then work from any folder."""
    here = (start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        if (folder / "corpus" / "manifest.jsonl").is_file():
            return folder / "corpus"
    return project_path("corpus")
