"""eval/METRICS.md states every definition the reports carry, word for word."""

from newsevents.eval.error_analysis import DEFINITIONS as ERROR_DEFINITIONS
from newsevents.eval.metrics import DEFINITIONS
from newsevents.paths import REPO_ROOT


def _texts(definitions):
    for value in definitions.values():
        yield from (_texts(value) if isinstance(value, dict) else [value])


def test_every_definition_is_in_the_metrics_page():
    page = (REPO_ROOT / "eval" / "METRICS.md").read_text(encoding="utf-8")
    missing = [text for text in (*_texts(DEFINITIONS), *_texts(ERROR_DEFINITIONS)) if text not in page]
    assert not missing, f"eval/METRICS.md lacks {len(missing)} definitions, first: {missing[0]!r}"
