"""`annotate lint`: exact flags on hand-made gold, justification, and the command."""

from __future__ import annotations

import json

import pytest

from newsevents.annotation.lint import CHECKS, Flag, counts, lint, read_justified
from newsevents.document import Document
from newsevents.errors import FormatError
from newsevents.ontology import load_schema

SCHEMA = load_schema()


def arrest(doc_id: str, with_trigger: bool = True) -> Document:
    text = "Police arrested a man. Police arrested a woman."
    tokens = [(0, 6), (7, 15), (16, 17), (18, 21), (21, 22), (23, 29), (30, 38), (39, 40), (41, 46), (46, 47)]
    events = [{"id": "E1", "type": "Justice.Arrest", "trigger": {"start": 7, "end": 15, "text": "arrested"},
               "arguments": [{"role": "Detainee", "entity": "T1"}], "realis": "actual", "hopper": "h1"}] if with_trigger else []
    entities = [{"id": "T1", "type": "PER", "start": 18, "end": 21, "text": "man", "cluster": "c1"}] if with_trigger else []
    return Document.from_dict({"id": doc_id, "text": text, "tokens": [{"start": s, "end": e} for s, e in tokens],
                               "sentences": [{"start": 0, "end": 22}, {"start": 23, "end": 47}],
                               "entities": entities, "events": events})


def test_a_trigger_word_left_out_where_it_is_a_trigger_elsewhere():
    docs = [arrest(f"d{i}") for i in range(3)]
    flags = lint(docs, SCHEMA, min_count=3)
    # Each document annotates the first "arrested" but not the second: 3 of 6 occurrences are triggers.
    assert [f for f in flags if f.code == "likely_missed_trigger"] == [
        Flag(f"d{i}", 30, 38, "likely_missed_trigger", "arrested",
             "a Justice.Arrest trigger in 3 of 6 occurrences elsewhere; not annotated here") for i in range(3)]
    assert lint(docs, SCHEMA, min_count=4) == []


def test_structure_checks_name_the_span_and_the_reason():
    doc = Document.from_dict({
        "id": "d", "text": "On Monday the bomb exploded. Rebels were blamed. Police said.",
        "sentences": [{"start": 0, "end": 28}, {"start": 29, "end": 48}, {"start": 49, "end": 61}],
        "entities": [{"id": "T1", "type": "TIME", "start": 0, "end": 9, "text": "On Monday"},
                     {"id": "T2", "type": "ORG", "start": 29, "end": 35, "text": "Rebels", "cluster": "c1"},
                     {"id": "T3", "type": "PER", "start": 49, "end": 55, "text": "Police", "cluster": "c1"}],
        "events": [{"id": "E1", "type": "Conflict.Attack", "trigger": {"start": 19, "end": 27, "text": "exploded"},
                    "arguments": [{"role": "Time", "entity": "T1"}], "realis": "actual", "hopper": "h1"},
                   {"id": "E2", "type": "Contact.Accuse", "trigger": {"start": 41, "end": 47, "text": "blamed"},
                    "arguments": [{"role": "Accused", "entity": "T2"}, {"role": "Accuser", "entity": "T3"}],
                    "realis": "actual", "hopper": "h1"}]})
    flags = lint([doc], SCHEMA)
    # A cluster tie (one ORG, one PER) flags the mention whose type came second.
    assert sorted((f.code, f.start, f.end, f.reason) for f in flags) == sorted([
        ("cluster_type_mismatch", 49, 55, "PER in cluster 'c1', whose mentions are ORG (1 of 2)"),
        ("argument_crosses_sentence", 49, 55, "Accuser of E2 ('blamed') is in another sentence"),
        ("value_extent", 0, 9, "a TIME value starting with 'on' (GUIDELINES.md 2.4)"),
        ("no_core_role", 19, 27, "E1 Conflict.Attack has none of Attacker, Target, Instrument"),
        ("hopper_mixes_types", 19, 27, "hopper 'h1' mixes Conflict.Attack (1), Contact.Accuse (1)"),
    ])
    codes = counts(flags)
    assert codes["no_core_role"] == 1 and codes["value_extent"] == 1 and codes["argument_crosses_sentence"] == 1
    assert codes["hopper_mixes_types"] == 1 and codes["cluster_type_mismatch"] == 1
    assert set(codes) == set(CHECKS)


def test_justified_flags_are_left_out_and_a_bad_line_names_file_and_line(tmp_path):
    docs = [arrest(f"d{i}") for i in range(3)]
    path = tmp_path / "justified.tsv"
    path.write_text("# looked at\nlikely_missed_trigger\td0\t30-38\tthe second arrest is a repetition\n", encoding="utf-8")
    assert [f.document for f in lint(docs, SCHEMA, justified=read_justified(path))] == ["d1", "d2"]
    path.write_text("likely_missed_trigger\td0\t30-38\n", encoding="utf-8")
    with pytest.raises(FormatError, match=r"justified.tsv:1: expected code<TAB>document<TAB>start-end<TAB>why"):
        read_justified(path)


def test_the_command_exits_1_with_flags_and_writes_json(tmp_path):
    from typer.testing import CliRunner

    from newsevents.cli import app
    from newsevents.jsonl import write_documents

    write_documents(tmp_path / "gold.jsonl", [arrest(f"d{i}") for i in range(3)])
    result = CliRunner().invoke(app, ["annotate", "lint", str(tmp_path / "gold.jsonl"), "--json", str(tmp_path / "lint.json")])
    assert result.exit_code == 1
    report = json.loads((tmp_path / "lint.json").read_text(encoding="utf-8"))
    assert report["counts"]["likely_missed_trigger"] == 3 and len(report["flags"]) == 3
