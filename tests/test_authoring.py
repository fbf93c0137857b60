"""Quote-anchored authoring resolves to exact offsets or refuses with the candidates; agreement numbers."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from helpers import SEED_ID, SOURCES, needs_sources
from newsevents.annotation.agreement import agreement, token_labels
from newsevents.annotation.authoring import author, locate
from newsevents.errors import FormatError, NewsEventsError, ValidationError
from newsevents.paths import REPO_ROOT

TEXT = "Police arrested two men. The men were arrested after a raid on the men's house."


@pytest.mark.parametrize(("span", "options", "expected"), [
    ("raid", {}, (55, 59)),
    ("arrested", {"occurrence": 2}, (38, 46)),
    ("men", {"context": "The men were"}, (29, 32)),
])
def test_locate(span, options, expected):
    assert locate(TEXT, span, **options) == expected
    assert TEXT[expected[0]:expected[1]] == span


@pytest.mark.parametrize(("span", "options", "message"), [
    ("arrested", {}, "ambiguous: it occurs 2 times, at [7, 38]"),
    ("bomb", {}, "does not occur"),
    ("arrested", {"occurrence": 3}, "no occurrence 3: it occurs 2 times"),
    ("men", {"context": "men"}, "must occur exactly once; it occurs 3 times"),
    ("police", {"context": "The men were"}, "must occur exactly once in its context"),
])
def test_locate_refuses_missing_and_ambiguous_quotes(span, options, message):
    with pytest.raises(NewsEventsError, match=message.replace("[", r"\[").replace("]", r"\]")):
        locate(TEXT, span, **options)


def _write(tmp_path, body: str):
    path = tmp_path / "batch.yaml"
    path.write_text(body, encoding="utf-8")
    return path


SEED_RECORD = f"""- document: {SEED_ID}
  source: {{source: seed, text_file: seed/000_fc58bcde01b77c5c.txt}}
  entities:
    - {{id: T1, type: PER, span: Sultan Aziz Azzam, occurrence: 1, cluster: c-azzam}}
    - {{id: T2, type: GPE, span: Pakistan, context: "Pakistan’s intelligence services", cluster: c-pak}}
  events:
    - {{id: E1, type: Justice.Arrest, trigger: arresting, realis: actual, hopper: h1, arguments: {{Detainee: T1, Agent: [T2]}}}}
"""


def test_author_resolves_against_the_real_text(tmp_path, schema):
    (authored,) = author([_write(tmp_path, SEED_RECORD)], [], schema)
    gold = authored.gold.to_dict()
    assert gold["sha256"] == "d2498f9849fd6b655942f3adf97c598329a8713eb77a20198d41ce8c3a1668c1"
    assert [(e["id"], e["start"], e["end"]) for e in gold["entities"]] == [("T1", 105, 122), ("T2", 0, 8)]
    assert gold["events"][0]["trigger"] == {"start": 95, "end": 104, "text": "arresting"}
    assert gold["events"][0]["arguments"] == [{"role": "Detainee", "entity": "T1"}, {"role": "Agent", "entity": "T2"}]


def test_author_refuses_off_token_spans_and_ontology_errors(tmp_path, schema):
    off_token = SEED_RECORD.replace("span: Sultan Aziz Azzam, occurrence: 1", "span: ultan Aziz, occurrence: 1")
    with pytest.raises(NewsEventsError, match="token boundaries") as info:
        author([_write(tmp_path, off_token)], [], schema)
    assert info.value.document == SEED_ID and "entities[0] (T1)" in info.value.field
    wrong_role = SEED_RECORD.replace("Detainee: T1", "Victim: T1")
    with pytest.raises(ValidationError, match="'Victim' is not a role of Justice.Arrest"):
        author([_write(tmp_path, wrong_role)], [], schema)


def test_author_names_missing_keys(tmp_path, schema):
    no_type = SEED_RECORD.replace("{id: T2, type: GPE, span: Pakistan", "{id: T2, span: Pakistan")
    with pytest.raises(NewsEventsError, match="missing key\\(s\\) 'type'") as info:
        author([_write(tmp_path, no_type)], [], schema)
    assert info.value.field == "entities[1] (T2)" and info.value.document == SEED_ID


def test_cli_writes_nothing_when_a_record_fails(tmp_path):
    out = tmp_path / "gold.jsonl"
    out.write_text("previous\n", encoding="utf-8")
    broken = SEED_RECORD.replace("trigger: arresting", "trigger: arrestingg")
    run = subprocess.run([sys.executable, "-m", "newsevents", "annotate", "author", str(_write(tmp_path, broken)), "--out", str(out)],
                         capture_output=True, text=True, cwd=REPO_ROOT)
    assert run.returncode == 2 and "'arrestingg' does not occur" in run.stderr
    assert out.read_text(encoding="utf-8") == "previous\n"


def test_agreement_between_two_passes_hand_checked(tmp_path):
    from newsevents.demo import EXAMPLE_CORPUS

    gold = json.loads((EXAMPLE_CORPUS / "gold" / "seed.jsonl").read_text(encoding="utf-8"))
    other = json.loads(json.dumps(gold))
    other["events"][0]["type"] = "Justice.Release"        # E1 has 2 arguments
    a, b = tmp_path / "pass-a.jsonl", tmp_path / "pass-b.jsonl"
    a.write_text(json.dumps(gold) + "\n", encoding="utf-8")
    b.write_text(json.dumps(other) + "\n", encoding="utf-8")
    run = subprocess.run([sys.executable, "-m", "newsevents", "annotate", "agreement", str(a), str(b), "--json", "--corpus", str(EXAMPLE_CORPUS)],
                         capture_output=True, text=True, cwd=REPO_ROOT)
    assert run.returncode == 0, run.stderr
    result = json.loads(run.stdout)
    assert result["TC"] == {"f1": 25 / 26, "n_a": 26, "n_b": 26, "n_match": 25}
    assert result["AC+"]["n_match"] == 52 and result["entities"]["f1"] == 1.0 and result["TI"]["f1"] == 1.0
    assert result["kappa"]["entities"]["all"] == 1.0
    assert 0.9 < result["kappa"]["triggers"]["all"] < 1.0


def test_agreement_compares_argument_entities_unless_told_all():
    """Pass A: "Omar Reyes" (Detainee) and its coreferent "man" (no argument); pass B lacks "man"."""
    from typer.testing import CliRunner

    from newsevents.cli import app
    from newsevents.document import Argument, Document, EntityMention, EventMention, Segment, Span

    text = "Police arrested Omar Reyes. The man was charged."
    tokens = tuple(Segment(*b) for b in [(0, 6), (7, 15), (16, 20), (21, 26), (26, 27), (28, 31), (32, 35), (36, 39), (40, 47), (47, 48)])
    arrest = EventMention("E1", "Justice.Arrest", Span(7, 15, "arrested"), (Argument("Detainee", entity="T1"),), "actual", "h1")
    reyes = EntityMention("T1", "PER", 16, 26, "Omar Reyes", "c1")
    a = Document("d", text, tokens=tokens, events=(arrest,), entities=(reyes, EntityMention("T2", "PER", 32, 35, "man", "c1")))
    b = Document("d", text, tokens=tokens, events=(arrest,), entities=(reyes,))
    (default,) = agreement({"a": {"d": a}, "b": {"d": b}})
    assert default.f1["entities"] == 1.0 and default.kappa["entities"]["all"] == 1.0
    (every,) = agreement({"a": {"d": a}, "b": {"d": b}}, entity_scope="all")
    assert every.f1["entities"] == 2 * 1 / (2 + 1)  # 1 match, 2 mentions in A, 1 in B
    assert every.counts["entities"] == {"n_a": 2, "n_b": 1, "n_match": 1} and every.kappa["entities"]["all"] < 1.0
    assert every.f1["TC"] == default.f1["TC"] == 1.0
    assert "--entity-scope" in CliRunner().invoke(app, ["annotate", "agreement", "--help"], terminal_width=200).output


def test_token_labels_and_kappa_of_identical_passes(schema):
    from newsevents.corpus.build import load_corpus
    from newsevents.demo import EXAMPLE_CORPUS

    (doc,) = load_corpus(EXAMPLE_CORPUS, [], schema, ids={SEED_ID})
    labels = token_labels(doc, "triggers")
    assert len(labels) == len(doc.tokens) == 433 and labels.count("Justice.Arrest") == 9
    (pair,) = agreement({"a": {doc.id: doc}, "b": {doc.id: doc}})
    assert pair.f1 == {"TI": 1.0, "TC": 1.0, "AC+": 1.0, "entities": 1.0}
    assert set(pair.kappa["triggers"].values()) == {1.0}


@needs_sources
def test_agreement_page_states_what_the_command_computes():
    """annotation/agreement.md quotes the tables `newsevents annotate agreement` produces from the kept passes."""
    from newsevents.annotation.agreement import agreement as compute, to_markdown
    from newsevents.corpus.manifest import join, load_gold_records, load_manifest
    from newsevents.corpus.segment import Segmenter

    from newsevents.demo import EXAMPLE_CORPUS

    # The passes cover the seed too, which is not in the corpus but in the bundled example.
    entries = {e.id: e for path in (REPO_ROOT / "corpus", EXAMPLE_CORPUS) for e in load_manifest(path / "manifest.jsonl")}
    page = (REPO_ROOT / "annotation" / "agreement.md").read_text(encoding="utf-8")
    segmenter = Segmenter()
    for prefix in ("independent-pass", "pass"):
        passes = {}
        for name in ("a", "b"):
            path = REPO_ROOT / "annotation" / "agreement" / f"{prefix}-{name}.jsonl"
            passes[path.stem] = {i: join(entries[i], r, [SOURCES], segmenter) for i, r in load_gold_records([path]).items()}
        assert to_markdown(compute(passes)) in page, f"annotation/agreement.md is stale for {prefix}-*"


@needs_sources
def test_agreement_passes_load_through_the_library_with_the_example_corpus():
    """`load_passes` joins standoff passes with their texts through the corpus and the bundled example corpus."""
    from newsevents.annotation.agreement import load_passes
    from newsevents.paths import EXAMPLE_CORPUS, EXAMPLES

    passes = load_passes([REPO_ROOT / "annotation/agreement/pass-a.jsonl", REPO_ROOT / "annotation/agreement/pass-b.jsonl"],
                         [SOURCES, EXAMPLES], [REPO_ROOT / "corpus", EXAMPLE_CORPUS])
    assert set(passes) == {"pass-a", "pass-b"}
    assert SEED_ID in passes["pass-a"] and len(passes["pass-a"][SEED_ID].events) > 0
    with pytest.raises(FormatError, match="at least two"):
        load_passes([REPO_ROOT / "annotation/agreement/pass-a.jsonl"], [SOURCES], [REPO_ROOT / "corpus"])


@needs_sources
def test_the_manifest_merge_of_author_is_a_library_function(tmp_path):
    """`manifest_with` keeps existing entries, adds new ones and refuses a document whose text changed."""
    from dataclasses import replace

    from newsevents.annotation.authoring import author, manifest_with
    from newsevents.corpus.manifest import load_manifest, save_manifest
    from newsevents.ontology import load_schema

    authored = author([REPO_ROOT / "annotation/authoring/wikinews-2019.yaml"], [SOURCES], load_schema())
    manifest = tmp_path / "manifest.jsonl"
    assert [e.id for e in manifest_with(authored, manifest)] == [a.entry.id for a in authored]      # no manifest yet
    save_manifest(manifest, [authored[0].entry])
    assert len(manifest_with(authored, manifest)) == len(authored)
    save_manifest(manifest, [replace(authored[0].entry, sha256="0" * 64)])
    with pytest.raises(FormatError, match="the manifest has this document with text 0000"):
        manifest_with(authored, manifest)
    assert load_manifest(manifest)[0].sha256 == "0" * 64
