"""Label Studio conversion: offsets, documents to tasks and back, chunks, recorded exports, problems."""

from __future__ import annotations

import copy
import json
from dataclasses import replace

import pytest
from hypothesis import HealthCheck, assume, given, settings, strategies as st
from label_studio_sdk.label_interface import LabelInterface
from strategies import DocumentBuilder, documents

from newsevents.annotation.label_config import CLUSTER, HOPPER, MENTION, REALIS, TEXT, TRIGGER, label_config
from newsevents.annotation.label_studio.chunking import chunk_bounds
from newsevents.annotation.label_studio.offsets import (
    CODE_POINTS, LABEL_STUDIO_UNIT, UTF16, UnitMatch, detect_unit, from_label_studio_offset, match_unit, to_label_studio_offset,
)
from newsevents.annotation.label_studio.results import ResultProblem, document_from_results, merge_chunks
from newsevents.annotation.label_studio.tasks import (
    ChunkingReport, DroppedArgument, DroppedMention, document_to_tasks, task_dedupe_key,
)
from newsevents.ontology import load_schema
from newsevents.document import Argument, Document, Segment
from newsevents.errors import FormatError
from newsevents.validation import validate

SCHEMA = load_schema()


# ---------------------------------------------------------------------------------------------- helpers


def signature(doc: Document) -> dict:
    """What must survive a round trip, independent of mention ids: spans, types, roles, realis, groups."""
    entities = {e.id: ("entity", e.start, e.end, e.type) for e in doc.entities}
    events = {e.id: ("event", e.trigger.start, e.trigger.end, e.type) for e in doc.events}
    mentions = entities | events
    return {
        "text": doc.text,
        "entities": sorted((e.start, e.end, e.type, e.text, e.cluster or "") for e in doc.entities),
        "events": sorted(
            (e.trigger.start, e.trigger.end, e.type, e.trigger.text, e.realis or "", e.hopper or "",
             tuple(sorted({(a.role, mentions[a.target]) for a in e.arguments})))  # duplicates collapse
            for e in doc.events
        ),
    }


def without_dropped(doc: Document, dropped) -> Document:
    """``doc`` minus the mentions and arguments a chunking report dropped."""
    mentions = {d.mention for d in dropped if isinstance(d, DroppedMention)}
    arguments = {(d.event, d.role, d.target) for d in dropped if isinstance(d, DroppedArgument)}
    assert all((e.id, a.role, a.target) in arguments for e in doc.events for a in e.arguments
               if {e.id, a.target} & mentions), "an argument of a dropped mention must be reported too"
    events = tuple(replace(e, arguments=tuple(a for a in e.arguments if (e.id, a.role, a.target) not in arguments))
                   for e in doc.events if e.id not in mentions)
    return replace(doc, entities=tuple(e for e in doc.entities if e.id not in mentions), events=events)


def pull_back(tasks: list[dict], *, schema=SCHEMA) -> tuple[Document, list]:
    """Treat each task's prediction as an accepted annotation, read it and merge the chunks."""
    parts, problems = [], []
    for task_id, task in enumerate(tasks, start=1):
        result = task["predictions"][0]["result"] if task.get("predictions") else []
        doc, found = document_from_results(task["data"], copy.deepcopy(result), task_id=task_id,
                                           annotator="ann@example.org", schema=schema)
        parts.append((task["data"], doc))
        problems += found
    return merge_chunks(parts), problems


def to_utf16_export(tasks: list[dict]) -> list[dict]:
    """The tasks as a JavaScript tool would write them: every start/end in UTF-16 code units, no ``origin``."""
    tasks = copy.deepcopy(tasks)
    for task in tasks:
        text = task["data"][TEXT]
        for item in (task.get("predictions") or [{"result": []}])[0]["result"]:
            item.pop("origin", None)
            value = item.get("value")
            if value is not None:
                for key in ("start", "end"):
                    code_points = from_label_studio_offset(text, value[key])
                    value[key] = to_label_studio_offset(text, code_points, unit=UTF16)
    return tasks


def hand_made() -> Document:
    """Emoji (astral, ZWJ, flags), combining marks, Arabic and CJK around every mention."""
    b = DocumentBuilder("hand-1")
    b.write("🚨👩\u200d👩\u200d👧 ")
    isk = b.entity("T1", "ORG", "IS-K 🏴", cluster="c-isk")
    b.write(" قال ")
    claim = b.event("E2", "Contact.ClaimResponsibility", "claimed", realis="actual", hopper="h-claim")
    b.write(" the 💥 ")
    attack = b.event("E1", "Conflict.Attack", "attack", realis="actual", hopper="h-attack")
    b.write(" in ")
    place = b.entity("T2", "GPE", "Krasnogorsk 🇷🇺", cluster="c-kr")
    b.write(" 北京 e\u0301 on ")
    when = b.entity("T3", "TIME", "March 22", cluster=None)
    b.write(". Its ")
    its = b.entity("T4", "ORG", "Its", cluster="c-isk")
    b.write(" 👍🏽 members ")
    b.event("E3", "Contact.ClaimResponsibility", "claimed", [Argument("Claimant", entity=its.id),
                                                             Argument("ClaimedEvent", event=attack.id)],
            realis="actual", hopper="h-claim")
    b.write(" it 🙏 again, مرة أخرى, 再次 n\u0303o.")
    b.events[:2] = [
        replace(claim, arguments=(Argument("Claimant", entity=isk.id), Argument("ClaimedEvent", event=attack.id))),
        replace(attack, arguments=(Argument("Place", entity=place.id), Argument("Time", entity=when.id))),
    ]
    doc = b.build()
    assert validate(doc, SCHEMA, require_gold=True) == []
    return doc


def long_document(paragraphs: int = 6) -> Document:
    """Paragraphs of about 60 code points, each holding a whole event with its arguments."""
    b = DocumentBuilder("long-1")
    segments = []
    for k in range(paragraphs):
        if k:
            b.write("\n\n")
        start = b.position
        b.write(f"¶{k} 🚔 Police ")
        agent = b.entity(f"T{k}a", "ORG", "الشرطة", cluster="c-police")
        b.write(" 北京 ")
        b.event(f"E{k}", "Justice.Arrest", "arrested", [Argument("Agent", entity=agent.id),
                                                        Argument("Detainee", entity=f"T{k}b")],
                realis="actual" if k % 2 else "other", hopper=f"h{k % 3}")
        b.write(" ")
        b.entity(f"T{k}b", "PER", "Azzam 👤", cluster="c-azzam")
        b.write(" today.")
        segments.append(Segment(start, b.position, "body"))
    doc = b.build(paragraphs=tuple(segments))
    assert validate(doc, SCHEMA) == []
    return doc


# ---------------------------------------------------------------------------------------------- offsets


ASTRAL = "a😀b👩\u200d👩\u200d👧c🇺🇦e\u0301北京"


def test_offsets_in_the_label_studio_unit_round_trip():
    for i in range(len(ASTRAL) + 1):
        assert from_label_studio_offset(ASTRAL, to_label_studio_offset(ASTRAL, i)) == i


def test_utf16_offsets_count_surrogate_pairs():
    utf16_length = len(ASTRAL.encode("utf-16-le")) // 2
    assert to_label_studio_offset(ASTRAL, len(ASTRAL), unit=UTF16) == utf16_length
    assert to_label_studio_offset(ASTRAL, 2, unit=UTF16) == 3  # after "a😀"
    assert from_label_studio_offset(ASTRAL, 3, unit=UTF16) == 2
    assert from_label_studio_offset(ASTRAL, 2, unit=UTF16) is None  # inside the pair of 😀
    assert from_label_studio_offset(ASTRAL, utf16_length + 1, unit=UTF16) is None
    for i in range(len(ASTRAL) + 1):
        j = to_label_studio_offset(ASTRAL, i, unit=UTF16)
        assert j == len(ASTRAL[:i].encode("utf-16-le")) // 2
        assert from_label_studio_offset(ASTRAL, j, unit=UTF16) == i
    with pytest.raises(ValueError, match="outside the text"):
        to_label_studio_offset(ASTRAL, len(ASTRAL) + 1)


def test_detect_unit_slices_both_ways():
    text = "🚨 Police arrested Azzam"
    assert detect_unit(text, 9, 17, "arrested") == CODE_POINTS
    assert detect_unit(text, 10, 18, "arrested") == UTF16
    assert detect_unit(text, 0, 2, "🚨") == UTF16
    assert detect_unit(text, 0, 1, "🚨") == CODE_POINTS
    assert detect_unit(text, 1, 2, "x") is None
    assert detect_unit("plain ascii", 0, 5, "plain") == LABEL_STUDIO_UNIT  # both fit: the current unit


# ---------------------------------------------------------------------------------------------- tasks


def test_one_task_with_a_prediction_in_label_studio_shape():
    doc = hand_made()
    tasks, report = document_to_tasks(doc, model_version="gold")
    assert len(tasks) == 1 and report == ChunkingReport(doc.id, ((0, len(doc.text)),))
    data = tasks[0]["data"]
    assert data == {TEXT: doc.text, "document_id": doc.id, "chunk": 0, "offset": 0, "sha256": doc.sha256}
    prediction = tasks[0]["predictions"][0]
    assert prediction["model_version"] == "gold"
    by_type: dict[str, list] = {}
    for item in prediction["result"]:
        by_type.setdefault(item["type"], []).append(item)
    assert sorted(by_type) == ["choices", "labels", "relation", "textarea"]
    regions = {item["id"]: item for item in by_type["labels"]}
    assert set(regions) == {"T1", "T2", "T3", "T4", "E1", "E2", "E3"}
    assert {r["from_name"] for r in by_type["labels"]} == {TRIGGER, MENTION}
    for item in by_type["choices"] + by_type["textarea"]:
        assert item["id"] in regions and item["from_name"] in (REALIS, HOPPER, CLUSTER)
        assert item["to_name"] == TEXT
    assert {"from_id": "E3", "to_id": "E1", "type": "relation", "direction": "right",
            "labels": ["ClaimedEvent"]} in by_type["relation"]
    json.dumps(tasks)  # importable as JSON


def test_predictions_pass_label_studios_own_validator():
    """The SDK's check, which the server runs on predictions when its prediction-validation flag is on."""
    interface = LabelInterface(label_config(SCHEMA))
    for doc, max_chars in ((hand_made(), 10_000), (long_document(), 140)):
        for task in document_to_tasks(doc, max_chars=max_chars).tasks:
            assert interface.validate_prediction(task["predictions"][0], return_errors=True) == []
    assert interface.validate_prediction({"result": [_labels("x", MENTION, 0, 1, "🚨", "Nope")]}) is False


def test_document_without_annotations_has_no_prediction():
    tasks, _ = document_to_tasks(Document("plain", "Nothing happened 🙂."))
    assert tasks == [{"data": {TEXT: "Nothing happened 🙂.", "document_id": "plain", "chunk": 0, "offset": 0,
                               "sha256": Document("plain", "Nothing happened 🙂.").sha256}}]


def test_dedupe_key_names_document_chunk_and_text():
    doc = long_document()
    first, _ = document_to_tasks(doc, max_chars=100)
    again, _ = document_to_tasks(doc, max_chars=100)
    keys = [task_dedupe_key(t) for t in first]
    assert keys == [task_dedupe_key(t) for t in again]
    assert len(set(keys)) == len(keys) > 1
    assert task_dedupe_key(first[0]) == task_dedupe_key(first[0]["data"]) == f"long-1#0@{doc.sha256}"
    changed = Document(doc.id, doc.text + " ", paragraphs=doc.paragraphs)
    assert task_dedupe_key(document_to_tasks(changed, max_chars=100).tasks[0]) != keys[0]
    with pytest.raises(FormatError, match="document_id"):
        task_dedupe_key({"data": {TEXT: "x"}})


# ---------------------------------------------------------------------------------------------- round trips


def test_round_trip_keeps_everything():
    doc = hand_made()
    back, problems = pull_back(document_to_tasks(doc).tasks)
    assert problems == []
    assert signature(back) == signature(doc)
    assert [e.id for e in back.entities] == ["T1", "T2", "T3", "T4"]
    assert [e.id for e in back.events] == ["E1", "E2", "E3"]  # renamed in text order
    assert back.meta["sha256"] == doc.sha256 and back.meta["annotator"] == "ann@example.org"
    assert validate(back, SCHEMA, require_gold=True) == []


def test_round_trip_reads_utf16_offsets_too():
    doc = hand_made()
    tasks = to_utf16_export(document_to_tasks(doc).tasks)
    labels = [i for i in tasks[0]["predictions"][0]["result"] if i["type"] == "labels"]
    assert any(i["value"]["start"] != doc.text.index(i["value"]["text"]) for i in labels)  # really shifted
    back, problems = pull_back(tasks)
    assert problems == [] and signature(back) == signature(doc)


def test_long_document_is_chunked_at_paragraphs_and_merged_back():
    doc = long_document()
    tasks, report = document_to_tasks(doc, max_chars=140)
    assert len(tasks) == 3 and report.complete and not report.oversized
    for task, (start, end) in zip(tasks, report.chunks):
        data = task["data"]
        assert data[TEXT] == doc.text[start:end] and data["offset"] == start and len(data[TEXT]) <= 140
        assert any(start == p.start for p in doc.paragraphs)  # whole paragraphs
    assert "".join(t["data"][TEXT] for t in tasks) == doc.text
    back, problems = pull_back(tasks)
    assert problems == []
    assert signature(back) == signature(doc)
    assert [e.id for e in back.events] == [f"E{k}" for k in range(1, 7)]
    assert back.meta["label_studio"]["tasks"] == [1, 2, 3]
    parts = [(t["data"], document_from_results(t["data"], t["predictions"][0]["result"], task_id=i, annotator="a")[0])
             for i, t in enumerate(tasks)]
    assert signature(merge_chunks(parts[::-1])) == signature(doc)  # in any order


def test_paragraph_longer_than_max_chars_is_cut_at_sentences():
    b = DocumentBuilder("one-paragraph")
    sentences = []
    for k in range(4):
        if k:
            b.write(" ")
        start = b.position
        b.write(f"Sentence {k} 😀 says ")
        b.entity(f"T{k}", "PER", "Azzam Azzam")
        b.write(".")
        sentences.append(Segment(start, b.position))
    doc = b.build(paragraphs=(Segment(0, b.position, "body"),), sentences=tuple(sentences))
    chunks, oversized = chunk_bounds(doc, 40)
    assert [start for start, _ in chunks] == [s.start for s in sentences] and oversized == []
    back, problems = pull_back(document_to_tasks(doc, max_chars=40).tasks)
    assert problems == [] and signature(back) == signature(doc)


def test_mention_cut_by_a_chunk_boundary_is_reported():
    doc = DocumentBuilder("tiny")
    doc.write("By ")
    doc.entity("T1", "PER", "Azzam Azzam")
    doc.write(" today.")
    doc = doc.build()
    tasks, report = document_to_tasks(doc, max_chars=10)  # after white space: "By Azzam " | "Azzam " | "today."
    assert report.chunks == ((0, 9), (9, 15), (15, 21))
    assert report.dropped == (DroppedMention("tiny", "T1", 3, 14),) and "crosses a chunk boundary" in str(report.dropped[0])
    back, problems = pull_back(tasks)
    assert problems == [] and back.entities == () and back.text == doc.text


def test_chunks_do_not_depend_on_the_annotations():
    """Every source of pre-annotations for one document must land in the same tasks."""
    b = DocumentBuilder("same")
    b.write("Intro paragraph here.\n\n")
    police = b.entity("T1", "ORG", "Police")
    b.write(" said.\n\nThey ")
    b.event("E1", "Justice.Arrest", "arrested", [Argument("Agent", entity=police.id)])
    b.write(" him.\n\nOutro.")
    annotated = b.build()
    bare = Document(annotated.id, annotated.text)
    assert document_to_tasks(annotated, max_chars=45).report.chunks == document_to_tasks(bare, max_chars=45).report.chunks
    assert [task_dedupe_key(t) for t in document_to_tasks(annotated, max_chars=45).tasks] == [
        task_dedupe_key(t) for t in document_to_tasks(bare, max_chars=45).tasks]


def test_argument_across_chunks_is_reported_not_lost_silently():
    b = DocumentBuilder("cross")
    police = b.entity("T1", "ORG", "Police 🚓")
    b.write(" came.\n\nThey ")
    b.event("E1", "Justice.Arrest", "arrested", [Argument("Agent", entity=police.id)], realis="actual")
    b.write(" him.")
    doc = b.build()
    tasks, report = document_to_tasks(doc, max_chars=20)
    assert len(tasks) == 2 and not report.complete
    (dropped,) = report.dropped
    assert (dropped.event, dropped.role, dropped.target, dropped.event_chunk, dropped.target_chunk) == ("E1", "Agent", "T1", 1, 0)
    assert "Agent" in str(dropped) and "chunk 1" in str(dropped) and "'T1' is in chunk 0" in str(dropped)
    assert not any(i["type"] == "relation" for t in tasks for i in t["predictions"][0]["result"])
    back, problems = pull_back(tasks)
    assert problems == [] and signature(back) == signature(without_dropped(doc, report.dropped))


def test_merge_refuses_a_missing_or_repeated_chunk():
    doc = long_document()
    tasks = document_to_tasks(doc, max_chars=140).tasks
    parts = [(t["data"], document_from_results(t["data"], t["predictions"][0]["result"], task_id=i, annotator="a")[0])
             for i, t in enumerate(tasks)]
    with pytest.raises(FormatError, match="a chunk is missing"):
        merge_chunks([parts[0], parts[2]])
    with pytest.raises(FormatError, match="missing"):
        merge_chunks(parts[:2])
    with pytest.raises(FormatError, match="more than once"):
        merge_chunks(parts + [parts[1]])


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(doc=documents(SCHEMA, gold=True), max_chars=st.sampled_from([1, 7, 30, 10_000]), utf16=st.booleans())
def test_generated_documents_round_trip(doc, max_chars, utf16):
    tasks, report = document_to_tasks(doc, max_chars=max_chars)
    assert "".join(t["data"][TEXT] for t in tasks) == doc.text
    assert all(len(t["data"][TEXT]) <= max_chars for i, t in enumerate(tasks) if i not in report.oversized)
    back, problems = pull_back(to_utf16_export(tasks) if utf16 else tasks)
    assert [p for p in problems if p.blocking] == []
    assert {p.code for p in problems} <= {"ambiguous_unit"}
    # An ambiguous region is read as code points: right for what we wrote, a guess for UTF-16.
    assume(not (utf16 and problems))
    assert signature(back) == signature(without_dropped(doc, report.dropped))
    if len(tasks) == 1:
        assert not report.dropped


# ---------------------------------------------------------------------------------------------- a recorded export

#: One task of Label Studio 1.23.2's full JSON export, key for key as the server writes it (measured in
#: annotation/notes/label-studio-offsets.md: the legacy export lists predictions by id). The annotation
#: mixes what reaches a project: regions drawn in the 1.23.2 UI (``origin`` manual, code points; a
#: selection across a double space stores the browser's selection string "Kabul City"), and a region
#: with its cluster imported through the API by a JavaScript tool (no ``origin``) in UTF-16 code units,
#: after the emoji 🚨: "Azzam 🇦" is 19:27 in UTF-16 and 18:25 in code points.
EXPORTED_TEXT = "🚨 Police arrested Azzam 🇦 in\r\nKabul  City."
EXPORTED_TASK = {
    "id": 17,
    "annotations": [
        {
            "id": 41,
            "completed_by": 1,
            "result": [
                {"value": {"start": 9, "end": 17, "text": "arrested", "labels": ["Justice.Arrest"]},
                 "id": "Kx0bq1Yw3e", "from_name": "trigger", "to_name": "text", "type": "labels", "origin": "manual"},
                {"value": {"start": 9, "end": 17, "text": "arrested", "choices": ["actual"]},
                 "id": "Kx0bq1Yw3e", "from_name": "realis", "to_name": "text", "type": "choices", "origin": "manual"},
                {"value": {"start": 9, "end": 17, "text": ["h-azzam"]},
                 "id": "Kx0bq1Yw3e", "from_name": "hopper", "to_name": "text", "type": "textarea", "origin": "manual"},
                {"id": "p9_ZtQm2Lr", "from_name": "mention", "to_name": "text", "type": "labels",
                 "value": {"start": 19, "end": 27, "text": "Azzam 🇦", "labels": ["PER"]}},
                {"id": "p9_ZtQm2Lr", "from_name": "cluster", "to_name": "text", "type": "textarea",
                 "value": {"start": 19, "end": 27, "text": ["c-azzam"]}},
                {"value": {"start": 30, "end": 41, "text": "Kabul City", "labels": ["GPE"]},
                 "id": "Wq3_b7LmZo", "from_name": "mention", "to_name": "text", "type": "labels", "origin": "manual"},
                {"from_id": "Kx0bq1Yw3e", "to_id": "p9_ZtQm2Lr", "type": "relation", "direction": "right",
                 "labels": ["Detainee"]},
                {"from_id": "Kx0bq1Yw3e", "to_id": "Wq3_b7LmZo", "type": "relation", "direction": "right",
                 "labels": ["Place"]},
            ],
            "was_cancelled": False,
            "ground_truth": False,
            "created_at": "2026-11-25T11:36:23.336366Z",
            "updated_at": "2026-11-25T11:36:23.336385Z",
            "draft_created_at": None,
            "lead_time": 21.87,
            "prediction": {},
            "result_count": 8,
            "unique_id": "3bbb981f-d29c-4306-bdce-b19fbcf392c8",
            "import_id": None,
            "last_action": None,
            "bulk_created": False,
            "task": 17,
            "project": 3,
            "updated_by": 1,
            "parent_prediction": None,
            "parent_annotation": None,
            "last_created_by": None,
        }
    ],
    "drafts": [],
    "predictions": [9],
    "data": {"text": EXPORTED_TEXT, "document_id": "rec-1", "chunk": 0, "offset": 0, "sha256": "0" * 64},
    "meta": {},
    "created_at": "2026-11-25T11:36:23.200956Z",
    "updated_at": "2026-11-25T11:36:23.881263Z",
    "allow_skip": True,
    "inner_id": 1,
    "total_annotations": 1,
    "cancelled_annotations": 0,
    "total_predictions": 1,
    "comment_count": 0,
    "unresolved_comment_count": 0,
    "last_comment_updated_at": None,
    "project": 3,
    "updated_by": 1,
    "comment_authors": [],
}


def test_recorded_export_reads_as_code_points():
    task = EXPORTED_TASK
    (annotation,) = task["annotations"]
    doc, problems = document_from_results(task["data"], annotation["result"], task_id=task["id"],
                                          annotator=str(annotation["completed_by"]), schema=SCHEMA)
    assert problems == []
    (event,), (azzam, kabul) = doc.events, doc.entities
    assert (event.trigger.start, event.trigger.end, event.trigger.text) == (9, 17, "arrested")
    assert (azzam.start, azzam.end, azzam.text) == (18, 25, "Azzam 🇦")  # from UTF-16 19:27
    assert (kabul.start, kabul.end, kabul.text) == (30, 41, "Kabul  City")  # the task text, not the selection string
    assert (event.type, event.realis, event.hopper, azzam.type, azzam.cluster, kabul.type) == (
        "Justice.Arrest", "actual", "h-azzam", "PER", "c-azzam", "GPE")
    assert event.arguments == (Argument("Detainee", entity=azzam.id), Argument("Place", entity=kabul.id))
    assert doc.meta["label_studio"] == {"task": 17, "chunk": 0, "offset": 0}


def test_selection_strings_recorded_from_the_1_23_2_frontend():
    """Results stored by the 1.23.2 UI, quoted in the notes: code points, text as the browser selected it."""
    task_2 = "Zeile 😀 eins\nzwei 👍 drei\r\nvier  fünf"
    assert match_unit(task_2, 20, 30, "drei\\n\\nvier") == UnitMatch(CODE_POINTS, exact=False)
    assert match_unit(task_2, 8, 17, "eins\\nzwei") == UnitMatch(CODE_POINTS, exact=False)
    assert match_unit(task_2, 18, 19, "👍") == UnitMatch(CODE_POINTS)
    task_3 = "Tab\there 😀  two  spaces\n  indented line  \nend"
    assert match_unit(task_3, 9, 23, "😀 two spaces") == UnitMatch(CODE_POINTS, exact=False)
    assert match_unit(task_3, 17, 34, "spaces\\nindented") == UnitMatch(CODE_POINTS, exact=False)


def test_utf16_region_shown_in_the_ui_is_converted_and_flagged():
    result = copy.deepcopy(EXPORTED_TASK["annotations"][0]["result"])
    result[3]["origin"] = "manual"  # the UI highlighted code points 19:27, "zzam 🇦 i"
    doc, problems = document_from_results(EXPORTED_TASK["data"], result, task_id=17, annotator="1", schema=SCHEMA)
    problem = _only(problems, "utf16_from_ui", task=17)
    assert problem.region == "p9_ZtQm2Lr" and problem.blocking and "'zzam 🇦 i'" in problem.message
    assert (doc.entities[0].start, doc.entities[0].end) == (18, 25)


def test_ambiguous_and_assumed_units_are_notes():
    data = {TEXT: "😀aaa", "document_id": "amb", "chunk": 0, "offset": 0, "sha256": "x"}
    both = _labels("r1", MENTION, 2, 4, "aa", "PER")
    doc, problems = document_from_results(data, [both], task_id=5, annotator="a", schema=SCHEMA)
    note = _only(problems, "ambiguous_unit", task=5)
    assert not note.blocking and (doc.entities[0].start, doc.entities[0].end) == (2, 4)  # code points
    bare = {**both, "value": {"start": 1, "end": 3, "labels": ["PER"]}}
    doc, problems = document_from_results(data, [bare], task_id=5, annotator="a", schema=SCHEMA)
    assert not _only(problems, "assumed_unit", task=5).blocking and doc.entities[0].text == "aa"


# ---------------------------------------------------------------------------------------------- problems


def _read(result: list[dict], text: str = "🚨 Police arrested Azzam in Kabul.") -> list[ResultProblem]:
    data = {TEXT: text, "document_id": "p-1", "chunk": 0, "offset": 0, "sha256": "x"}
    return document_from_results(data, result, task_id=99, annotator="ann", schema=SCHEMA)[1]


def _labels(region: str, control: str, start: int, end: int, text: str, label: str) -> dict:
    return {"id": region, "from_name": control, "to_name": TEXT, "type": "labels",
            "value": {"start": start, "end": end, "text": text, "labels": [label]}}


def _relation(head: str, filler: str, role: str) -> dict:
    return {"from_id": head, "to_id": filler, "type": "relation", "direction": "right", "labels": [role]}


ARREST = _labels("ev1", TRIGGER, 9, 17, "arrested", "Justice.Arrest")
AZZAM = _labels("per1", MENTION, 18, 23, "Azzam", "PER")
KABUL = _labels("gpe1", MENTION, 27, 32, "Kabul", "GPE")


def _only(problems: list[ResultProblem], code: str, *, task: int = 99) -> ResultProblem:
    assert [p.code for p in problems] == [code], [str(p) for p in problems]
    problem = problems[0]
    assert problem.task == task and f"task {task}" in str(problem) and problem.region in str(problem)
    return problem


def test_a_valid_annotation_has_no_problem():
    assert _read([ARREST, AZZAM, KABUL, _relation("ev1", "per1", "Detainee"), _relation("ev1", "gpe1", "Place")]) == []


def test_unknown_label_names_task_and_region():
    problem = _only(_read([ARREST, _labels("x1", MENTION, 18, 23, "Azzam", "PERSON")]), "unknown_label")
    assert problem.region == "x1" and "'PERSON'" in problem.message and "PER" in problem.message


def test_event_type_used_as_mention_label_is_unknown():
    problem = _only(_read([_labels("x2", MENTION, 9, 17, "arrested", "Justice.Arrest")]), "unknown_label")
    assert problem.region == "x2"


def test_role_not_allowed_names_the_relation():
    problem = _only(_read([ARREST, AZZAM, _relation("ev1", "per1", "Victim")]), "role_not_allowed")
    assert problem.region == "ev1->per1" and "Victim" in problem.message and "Detainee" in problem.message


def test_filler_type_not_allowed_names_the_relation():
    problem = _only(_read([ARREST, AZZAM, _relation("ev1", "per1", "Place")]), "entity_type_not_allowed")
    assert problem.region == "ev1->per1"


def test_relation_to_a_missing_region():
    problem = _only(_read([ARREST, _relation("ev1", "gone42", "Detainee")]), "missing_region")
    assert problem.region == "ev1->gone42" and "'gone42'" in problem.message


def test_relation_not_starting_at_a_trigger():
    problem = _only(_read([ARREST, AZZAM, _relation("per1", "ev1", "Detainee")]), "relation_not_from_trigger")
    assert problem.region == "per1->ev1"


def test_left_relation_runs_from_to_id():
    relation = {**_relation("per1", "ev1", "Detainee"), "direction": "left"}
    assert _read([ARREST, AZZAM, relation]) == []


def test_span_text_mismatch_names_task_and_region():
    problems = _read([ARREST, _labels("per2", MENTION, 18, 23, "Azzan", "PER"), _relation("ev1", "per2", "Detainee")])
    assert [p.code for p in problems] == ["span_text_mismatch", "rejected_region"]
    assert problems[0].region == "per2" and "'Azzan'" in problems[0].message and "'Azzam'" in problems[0].message
    assert problems[1].region == "ev1->per2"


def test_realis_not_in_schema():
    realis = {"id": "ev1", "from_name": REALIS, "to_name": TEXT, "type": "choices",
              "value": {"start": 9, "end": 17, "text": "arrested", "choices": ["maybe"]}}
    problem = _only(_read([ARREST, realis]), "invalid_realis")
    assert problem.region == "ev1" and "'maybe'" in problem.message


def test_per_region_result_of_a_missing_region():
    hopper = {"id": "nope", "from_name": HOPPER, "to_name": TEXT, "type": "textarea",
              "value": {"start": 0, "end": 1, "text": ["h1"]}}
    assert _only(_read([ARREST, hopper]), "missing_region").region == "nope"


def test_unknown_control_and_mixed_labels():
    other = {"id": "z", "from_name": "sentiment", "to_name": TEXT, "type": "choices", "value": {"choices": ["x"]}}
    assert _only(_read([other]), "unknown_control").region == "z"
    both = _labels("ev1", MENTION, 9, 17, "arrested", "PER")
    assert _only(_read([ARREST, both]), "mixed_labels").region == "ev1"


def test_cluster_mixing_types_names_the_region():
    cluster = [{"id": r, "from_name": CLUSTER, "to_name": TEXT, "type": "textarea",
                "value": {"start": 0, "end": 1, "text": ["c1"]}} for r in ("per1", "gpe1")]
    problem = _only(_read([AZZAM, KABUL, *cluster]), "cluster")
    assert problem.region == "gpe1"


def test_problems_are_problems():
    (problem,) = _read([ARREST, _relation("ev1", "gone", "Detainee")])
    assert problem.document == "p-1" and problem.field == "task 99 region ev1->gone" and problem.annotator == "ann"


def test_push_checks_predictions_with_label_studios_own_validator(schema):
    from newsevents.annotation.label_studio.projects import build_tasks, check_predictions
    from newsevents.errors import NewsEventsError

    b = DocumentBuilder("d1")
    b.event("E1", "Justice.Arrest", "arrested", realis="actual", hopper="h1")
    doc = b.build()
    tasks, _ = build_tasks([doc], {"system": [doc]})
    check_predictions(tasks, schema)                      # accepted as built
    tasks[0]["predictions"][0]["result"][0]["value"]["labels"] = ["Nope"]
    with pytest.raises(NewsEventsError, match="refuses the prediction from 'system'") as info:
        check_predictions(tasks, schema)
    assert info.value.document == "d1"


def test_pulled_files_are_named_by_annotator_and_a_collision_is_refused(tmp_path):
    from newsevents.annotation.label_studio.projects import annotator_file_name, write_pulled

    assert annotator_file_name("alice@example.org") == "alice@example.org.jsonl"
    assert annotator_file_name("bob smith/ops") == "bob_smith_ops.jsonl"
    doc = Document("d1", "Police arrested two men.")
    assert write_pulled({"alice@example.org": [doc]}, tmp_path) == [tmp_path / "alice@example.org.jsonl"]
    with pytest.raises(FormatError, match="annotators 'a b' and 'a/b' would both be written to a_b.jsonl"):
        write_pulled({"a b": [doc], "a/b": [doc]}, tmp_path / "two")
    assert not (tmp_path / "two").exists()
