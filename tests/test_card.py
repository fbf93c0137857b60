"""The dataset card: every YAML key and section present, and every number equal to `corpus stats`."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from newsevents.corpus.build import build
from newsevents.corpus.card import (
    CARD_SECTIONS,
    CARD_YAML_KEYS,
    CardDocs,
    card_docs,
    changelog_entry,
    check_card,
    dataset_card,
    split_card,
)
from newsevents.corpus.stats import corpus_stats
from newsevents.ontology import load_schema
from newsevents.paths import REPO_ROOT
from test_publish import make_project

NEWSEVENTS = Path(sys.executable).with_name("newsevents")
RESULTS = "| baseline | TC F1 |\n|---|---|\n| trigger-lexicon | 0.123 |"
AGREEMENT = """# Agreement

### The 17 independently annotated items (headline)

| annotators | documents | TC F1 |
|---|---|---|
| a vs b | 17 | 0.928 |

more text
"""


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    root = tmp_path_factory.mktemp("card")
    corpus, texts, schema_path = make_project(root)
    (corpus.parent / "baselines").mkdir()
    (corpus.parent / "baselines" / "RESULTS.md").write_text(f"# Results\n\n{RESULTS}\n", encoding="utf-8")
    (corpus.parent / "annotation" / "agreement.md").write_text(AGREEMENT, encoding="utf-8")
    out = root / "dataset"
    build(corpus, [texts], out, load_schema(schema_path), version="0.1.0")
    stats = subprocess.run([str(NEWSEVENTS), "corpus", "stats", "--texts", str(texts), "--corpus", str(corpus),
                            "--schema", str(schema_path), "--json"], capture_output=True, text=True, timeout=300,
                           env={**os.environ, "HF_HUB_OFFLINE": "1"})
    assert stats.returncode == 0, stats.stderr
    return (out / "README.md").read_text(encoding="utf-8"), json.loads(stats.stdout), load_schema(schema_path)


def _section(body: str, title: str) -> str:
    match = re.search(rf"^## {re.escape(title)}\n(.*?)(?=^## |\Z)", body, flags=re.MULTILINE | re.DOTALL)
    assert match, title
    return match.group(1)


def _tables(text: str) -> dict[str, dict[str, list[int]]]:
    """``{### title: {row label: [numbers...]}}`` of the Markdown tables under level-3 headings."""
    tables: dict[str, dict[str, list[int]]] = {}
    title = ""
    for line in text.splitlines():
        if line.startswith("### "):
            title = line[4:].strip()
        elif line.startswith("| ") and not line.startswith("|  |"):
            cells = [c.strip() for c in line.strip("|").split("|")]
            tables.setdefault(title, {})[cells[0]] = [int(c) for c in cells[1:]]
    return tables


def test_every_yaml_key_and_section_is_there(built):
    card, _, _ = built
    assert check_card(card) == []
    header, body = split_card(card)
    assert all(header[key] for key in CARD_YAML_KEYS)
    assert re.findall(r"^## (.+)$", body, flags=re.MULTILINE) == list(CARD_SECTIONS)
    assert header["license"] == ["cc-by-2.5", "cc-by-sa-4.0"]
    assert {s["source"]: s["license"] for s in header["source_licenses"]} == {
        "Wikinews": ["CC BY 2.5"], "Wikipedia Current events portal": ["CC BY-SA 4.0"]}
    assert [c["config_name"] for c in header["configs"]] == ["documents", "sentences"]
    assert [c["config_name"] for c in header["dataset_info"]] == ["documents", "sentences"]
    assert {f["name"] for f in header["dataset_info"][0]["features"]} >= {"id", "text", "entities", "events", "redistributable"}


def test_every_number_equals_corpus_stats(built):
    card, stats, _ = built
    header, body = split_card(card)
    splits = {"validation" if k == "dev" else k: v for k, v in stats["splits"].items()}
    columns = [stats, *splits.values()]
    tables = _tables(_section(body, "Statistics"))
    assert tables["Overview"] == {
        "documents": [c["documents"]["total"] for c in columns],
        "documents with events": [c["documents"]["with_events"] for c in columns],
        "sentences": [c["sentences"] for c in columns],
        "tokens": [c["tokens"] for c in columns],
        "entity mentions": [c["entities"]["total"] for c in columns],
        "entity clusters": [c["entities"]["clusters"] for c in columns],
        "event mentions": [c["events"]["total"] for c in columns],
        "event hoppers": [c["events"]["hoppers"] for c in columns],
        "arguments": [c["arguments"]["total"] for c in columns],
    }
    for title, get in (("Documents per source", lambda c: c["documents"]["by_source"]),
                       ("Event mentions per type", lambda c: c["events"]["by_type"]),
                       ("Arguments per role", lambda c: c["arguments"]["by_role"]),
                       ("Entity mentions per type", lambda c: c["entities"]["by_type"]),
                       ("Realis of event mentions", lambda c: c["events"]["realis"])):
        assert tables[title] == {name: [get(c).get(name, 0) for c in columns] for name in get(stats)}, title
    assert "|  | all | train | validation | test |" in body
    for info in header["dataset_info"]:
        key = "documents" if info["config_name"] == "documents" else "sentences"
        sizes = {s["name"]: s["num_examples"] for s in info["splits"]}
        assert sizes == {name: (v["documents"]["total"] if key == "documents" else v["sentences"]) for name, v in splits.items()}
    summary = _section(body, "Dataset summary")
    assert f"{stats['documents']['total']} English documents with {stats['events']['total']} event mentions" in summary
    assert f"{stats['arguments']['total']} arguments and {stats['entities']['total']} entity mentions" in summary
    assert "Documents per split: `train` 1, `validation` 1, `test` 1." in _section(body, "Splits")


def test_the_ontology_tables_come_from_the_schema(built):
    card, _, schema = built
    ontology = _section(split_card(card)[1], "Ontology")
    for event_type in schema.event_types:
        assert f"| `{event_type.name}` | {event_type.definition} | {', '.join(event_type.role_names)} |" in ontology
    for role in schema.role_names:
        assert f"| `{role}` |" in ontology
    for mention in schema.mention_types:
        assert f"| `{mention.name}` | {mention.kind} |" in ontology


def test_the_docs_parts_come_from_the_files(built):
    card, _, _ = built
    body = split_card(card)[1]
    assert RESULTS in _section(body, "Baseline scores") and "### Results" in _section(body, "Baseline scores")
    assert "| a vs b | 17 | 0.928 |" in _section(body, "Annotation") and "AI agent" in _section(body, "Annotation")
    assert "### v0.1.0 (2026-12-01)" in _section(body, "Version and changelog")
    assert "note   = {Version 0.1.0}" in _section(body, "Citation") and "@misc{newsevents," in body
    assert "`ATTRIBUTION`" in _section(body, "Licence and attribution")


def test_missing_docs_are_said_not_invented(tmp_path, schema):
    stats = corpus_stats([], {})
    card = dataset_card(stats, schema, {"documents": {}, "sentences": {}}, [], docs=CardDocs())
    body = split_card(card)[1]
    assert "No baseline scores are published with this version yet" in body
    assert "No agreement figures were available" in body
    assert "No changelog entry was found" in body
    assert "configs" in " ".join(check_card(card)) or any("data_files" in p for p in check_card(card))


def test_temporal_cutoffs_of_the_repository_reach_the_card(schema):
    docs = card_docs(REPO_ROOT / "corpus", REPO_ROOT)
    if docs.split_rules.get("strategy") != "temporal":
        pytest.skip("the repository's splits are not temporal")
    card = dataset_card(corpus_stats([], {}), schema, {"documents": {}}, [], docs=docs)
    for source, (train, dev) in docs.split_rules["cutoffs"].items():
        assert f"| {source} | {train} | {dev} |" in card


def test_changelog_entries():
    text = "# Log\n\n## Unreleased (v0.2.0 in construction)\n\n- x\n\n## v0.1.0 (2026-12-01)\n\n- first\n\n## 0.0.9\n\n- old\n"
    assert changelog_entry(text, "0.1.0") == ("v0.1.0 (2026-12-01)", "- first")
    assert changelog_entry(text, "0.0.9") == ("0.0.9", "- old")
    assert changelog_entry(text, "0.2.0") is None          # "Unreleased" is not an entry for a version
    assert changelog_entry(text, "0.1") is None and changelog_entry(text, "1.0.0") is None
    assert changelog_entry(text)[0].startswith("Unreleased")
