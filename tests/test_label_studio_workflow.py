"""The annotation workflow against a real Label Studio server: push, annotate as two users, pull,
agreement, adjudication, checked field by field (no mock: the `label_studio` fixture starts a server)."""

from __future__ import annotations

import json
import subprocess
import sys
from dataclasses import replace

import pytest

from label_studio_fixtures import label_studio  # noqa: F401  (the fixture)
from helpers import SEED_ID
from newsevents.annotation.adjudication import adjudicate
from newsevents.annotation.agreement import agreement
from newsevents.annotation.label_studio.projects import build_tasks, pull, push
from newsevents.corpus.build import load_corpus
from newsevents.paths import REPO_ROOT
from strategies import DocumentBuilder
from newsevents.document import Argument


def _emoji_document():
    b = DocumentBuilder("emoji-doc")
    b.write("👩\u200d👩\u200d👧 🇺🇦 e\u0301 قتل 北京: ")
    b.entity("T1", "ORG", "Police", cluster="c-police")
    b.write(" ")
    b.event("E1", "Justice.Arrest", "arrested", [Argument("Agent", entity="T1"), Argument("Detainee", entity="T2")],
            realis="actual", hopper="h1")
    b.write(" ")
    b.entity("T2", "PER", "two men", cluster="c-men")
    b.write(" 😀.")
    doc = b.build()
    from newsevents.corpus.segment import Segmenter
    from newsevents.document import Segment

    paragraphs = (Segment(0, len(doc.text), "lead"),)
    seg = Segmenter().segment(doc.text, paragraphs)
    return replace(doc, paragraphs=paragraphs, sentences=seg.sentences, tokens=seg.tokens)


def _key(doc):
    entities = {m.id: (m.start, m.end, m.type) for m in doc.entities}
    events = {e.id: (e.trigger.start, e.trigger.end, e.type) for e in doc.events}
    cluster_sets = sorted(sorted(entities[m.id] for m in doc.entities if m.cluster == c) for c in {m.cluster for m in doc.entities if m.cluster})
    hopper_sets = sorted(sorted(events[e.id] for e in doc.events if e.hopper == h) for h in {e.hopper for e in doc.events if e.hopper})
    return {
        "entities": sorted(entities.values()),
        "events": sorted((events[e.id], e.realis) for e in doc.events),
        "arguments": sorted((events[e.id], a.role, entities.get(a.entity) or events.get(a.event)) for e in doc.events for a in e.arguments),
        "clusters": cluster_sets,
        "hoppers": hopper_sets,
    }


@pytest.fixture(scope="module")
def documents(schema):
    from newsevents.demo import EXAMPLE_CORPUS

    (seed,) = load_corpus(EXAMPLE_CORPUS, [], schema, ids={SEED_ID})
    return [seed, _emoji_document()]


def test_push_annotate_pull_round_trip_agreement_and_adjudication(label_studio, schema, documents):  # noqa: F811
    client = label_studio.client
    report = push(client, "workflow", schema, documents, {"gold": documents}, max_chars=800)
    tasks, _ = build_tasks(documents, {"gold": documents}, max_chars=800)
    assert report.imported == len(tasks) > 2            # the seed is long: several paragraph chunks
    again = push(client, "workflow", schema, documents, {"gold": documents}, max_chars=800)
    assert (again.imported, again.already_there) == (0, len(tasks))

    # Two annotators: the admin accepts every prediction as is; bob does too, but changes one realis.
    bob = label_studio.make_user("bob@example.com")
    changed = False
    for task in client.tasks.list(project=report.project, fields="all"):
        result = task.predictions[0].result if hasattr(task.predictions[0], "result") else task.predictions[0]["result"]
        client.annotations.create(id=task.id, result=result)
        bob_result = json.loads(json.dumps(result))
        if not changed:
            for item in bob_result:
                if item.get("from_name") == "realis":
                    item["value"]["choices"] = ["other" if item["value"]["choices"] != ["other"] else "actual"]
                    changed = True
                    break
        bob.annotations.create(id=task.id, result=bob_result)
    assert changed

    pulled, problems = pull(client, "workflow", schema)
    assert problems == []
    admin = label_studio.username
    assert sorted(pulled) == sorted([admin, "bob@example.com"])       # one list per annotator, by email
    by_id = {n: {d.id: d for d in pulled[n]} for n in pulled}
    accepted = by_id[admin]
    assert sorted(accepted) == sorted(d.id for d in documents)     # chunks reassembled into documents
    for original in documents:
        got = accepted[original.id]
        assert got.text == original.text
        assert _key(got) == _key(original), original.id        # spans, types, roles, realis, hoppers, clusters

    (pair,) = agreement({n: by_id[n] for n in by_id})
    assert pair.f1["TC"] == 1.0 and pair.f1["AC+"] == 1.0 and pair.f1["entities"] == 1.0
    result = adjudicate({n: list(by_id[n].values()) for n in by_id})
    assert [d.layer for d in result.disagreements] == ["realis"]


def test_pull_refuses_bad_annotations_and_writes_nothing(label_studio, schema, tmp_path):  # noqa: F811
    client = label_studio.client
    doc = _emoji_document()
    report = push(client, "bad-annotations", schema, [doc], {"gold": [doc]})
    (task,) = list(client.tasks.list(project=report.project, fields="all"))
    result = task.predictions[0].result if hasattr(task.predictions[0], "result") else task.predictions[0]["result"]
    broken = json.loads(json.dumps(result))
    for item in broken:
        if item.get("type") == "relation":
            item["labels"] = ["Victim"]            # not a role of Justice.Arrest
    client.annotations.create(id=task.id, result=broken)
    out = tmp_path / "pulled"
    out.mkdir()
    (out / "earlier.jsonl").write_text("kept\n", encoding="utf-8")
    run = subprocess.run(
        [sys.executable, "-m", "newsevents", "annotate", "pull", "--project", "bad-annotations", "--out", str(out),
         "--url", label_studio.url, "--token", label_studio.token],
        capture_output=True, text=True, cwd=REPO_ROOT,
    )
    assert run.returncode == 1
    assert "Victim" in run.stderr and str(task.id) in run.stderr
    assert sorted(p.name for p in out.iterdir()) == ["earlier.jsonl"]
