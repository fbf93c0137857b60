"""The LLM extractor against a real HTTP server on 127.0.0.1 that stands in for a model.

No model can be reached from here, so :mod:`fixtures.chat_server` speaks the OpenAI Chat Completions
protocol (status codes, ``usage``, ``response_format``) and answers from each test's script. The tests
check the predictions field by field, the drops and their reasons, retries, the cache, and that the API
key appears in nothing written.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from fixtures.chat_server import ChatServer, Reply, completion, user_text

from newsevents.corpus.ingest import make_document
from newsevents.corpus.readers import RawArticle
from newsevents.corpus.segment import Segmenter
from newsevents.document import Argument, EntityMention, EventMention, Span
from newsevents.jsonl import write_documents
from newsevents.llm import LLMExtractor
from newsevents.llm.anchoring import anchor
from newsevents.llm.client import ChatClient, LLMError, parse_json_answer
from newsevents.llm.prompts import ShotSelector, answer_of, chunks
from newsevents.ontology import load_schema
from newsevents.validation import validate

SCHEMA = load_schema()
SECRET = "sk-test-0123456789-SECRET"
SEGMENTER = Segmenter()


def doc(text: str, doc_id: str = "d1"):
    return make_document(RawArticle(text, {"path": f"{doc_id}.txt", "format": "txt"}, None, f"{doc_id}.txt"), doc_id, SEGMENTER)


ARREST = "Police arrested two men in Kabul on Monday."
ARREST_ANSWER = {"events": [{
    "type": "Justice.Arrest", "trigger": "arrested", "context": "Police arrested two men", "realis": "actual",
    "arguments": [{"role": "Agent", "text": "Police", "entity_type": "ORG"},
                  {"role": "Detainee", "text": "two men", "entity_type": "PER"},
                  {"role": "Place", "text": "Kabul", "entity_type": "GPE"},
                  {"role": "Time", "text": "Monday", "entity_type": "TIME"}]}]}


def extractor(server: ChatServer, tmp_path: Path, **options) -> LLMExtractor:
    options.setdefault("cache_dir", tmp_path / "cache")
    options.setdefault("backoff", 0.01)
    return LLMExtractor("stand-in", base_url=server.base_url, api_key=SECRET, **options)


def test_a_well_formed_answer_becomes_exact_offsets(tmp_path):
    with ChatServer(lambda body, n: completion(json.dumps(ARREST_ANSWER), 120, 40)) as server:
        model = extractor(server, tmp_path)
        [prediction] = model.predict([doc(ARREST)])
    assert prediction.text == ARREST
    assert prediction.entities == (
        EntityMention("T1", "ORG", 0, 6, "Police"), EntityMention("T2", "PER", 16, 23, "two men"),
        EntityMention("T3", "GPE", 27, 32, "Kabul"), EntityMention("T4", "TIME", 36, 42, "Monday"))
    assert prediction.events == (EventMention("E1", "Justice.Arrest", Span(7, 15, "arrested"), (
        Argument("Agent", entity="T1"), Argument("Detainee", entity="T2"),
        Argument("Place", entity="T3"), Argument("Time", entity="T4")), realis="actual"),)
    assert validate(prediction, SCHEMA) == []
    # The request: deterministic settings, structured output with the ontology's schema, the key as a bearer token.
    body, headers = server.requests[0]
    assert body["temperature"] == 0 and body["seed"] == 0 and body["model"] == "stand-in"
    assert body["response_format"]["type"] == "json_schema"
    assert "Justice.Arrest" in body["response_format"]["json_schema"]["schema"]["properties"]["events"]["items"]["properties"]["type"]["enum"]
    assert headers["Authorization"] == f"Bearer {SECRET}"
    assert user_text(body) == ARREST
    stats = model.stats_.to_dict(price_prompt=2.0, price_completion=8.0)
    assert stats["totals"]["prompt_tokens"] == 120 and stats["totals"]["completion_tokens"] == 40
    assert stats["cost"]["per_1000_documents"] == pytest.approx(1000 * (120 * 2.0 + 40 * 8.0) / 1e6)


@pytest.mark.parametrize(("content", "reason"), [
    ("I could not find any events, sorry.", "answer:malformed"),
    ('{"events": [{"type": "Justice.Arrest", "trigger": "detained", "arguments": []}]}', "trigger:not_found"),
    ('{"events": [{"type": "Justice.Arrest", "trigger": "arrested", "arguments": [{"role": "Detainee", "text": "three women"}]}]}', "argument:not_found"),
    ('{"events": [{"type": "Justice.Arrest", "trigger": "Police", "arguments": []}, {"type": "Justice.Arrest", "trigger": "Police", "arguments": []}]}', "event:duplicate"),
])
def test_what_cannot_be_anchored_is_dropped_and_counted(tmp_path, content, reason):
    with ChatServer(lambda body, n: completion(content)) as server:
        model = extractor(server, tmp_path)
        [prediction] = model.predict([doc(ARREST)])
    assert model.stats_.dropped[reason] == 1
    assert validate(prediction, SCHEMA) == []


def test_an_ambiguous_quote_is_dropped_unless_context_decides(tmp_path):
    text = "Police arrested a man. Police later arrested his brother."
    answer = {"events": [
        {"type": "Justice.Arrest", "trigger": "arrested", "arguments": []},
        {"type": "Justice.Arrest", "trigger": "arrested", "context": "later arrested his brother",
         "arguments": [{"role": "Detainee", "text": "his brother", "entity_type": "PER"},
                       {"role": "Agent", "text": "Police", "entity_type": "ORG"}]}]}
    with ChatServer(lambda body, n: completion(json.dumps(answer))) as server:
        model = extractor(server, tmp_path)
        [prediction] = model.predict([doc(text)])
    assert model.stats_.dropped["trigger:ambiguous"] == 1
    [event] = prediction.events
    assert event.trigger == Span(36, 44, "arrested")
    # "Police" occurs twice: the occurrence nearest the trigger (the second) is taken.
    agent = prediction.entity(next(a.entity for a in event.arguments if a.role == "Agent"))
    assert (agent.start, agent.end) == (23, 29)


def test_labels_outside_the_ontology_are_counted_and_dropped_or_kept(tmp_path):
    answer = {"events": [{"type": "Life.Marry", "trigger": "arrested", "arguments": []},
                         {"type": "Justice.Arrest", "trigger": "arrested", "realis": "maybe",
                          "arguments": [{"role": "Judge", "text": "Police", "entity_type": "ORG"},
                                        {"role": "Detainee", "text": "two men", "entity_type": "HUMAN"}]}]}
    with ChatServer(lambda body, n: completion(json.dumps(answer))) as server:
        dropping = extractor(server, tmp_path, use_cache=False)
        [dropped] = dropping.predict([doc(ARREST)])
        keeping = extractor(server, tmp_path, use_cache=False, keep_unknown=True)
        [kept] = keeping.predict([doc(ARREST)])
    stats = dropping.stats_.to_dict()["unknown_labels"]
    assert stats == {"event_types": {"Life.Marry": 1}, "roles": {"Justice.Arrest.Judge": 1},
                     "entity_types": {"HUMAN": 1}, "realis": {"maybe": 1}}
    [event] = dropped.events
    assert event.type == "Justice.Arrest" and event.realis is None
    assert [(a.role, dropped.entity(a.entity).type) for a in event.arguments] == [("Detainee", "PER")]
    assert validate(dropped, SCHEMA) == []
    assert sorted(e.type for e in kept.events) == ["Justice.Arrest", "Life.Marry"]
    assert {m.type for m in kept.entities} == {"ORG", "HUMAN"}


def test_retry_after_on_429_and_a_500_then_success(tmp_path):
    script = [Reply(429, {"error": {"message": "slow down"}}, {"Retry-After": "0.3"}),
              Reply(500, {"error": {"message": "boom"}}), completion(json.dumps(ARREST_ANSWER))]
    waits: list[float] = []
    with ChatServer(lambda body, n: script[n]) as server:
        client = ChatClient(server.base_url, "stand-in", backoff=0.05, sleep=waits.append)
        reply = client.complete([{"role": "user", "content": "x"}])
        assert len(server.requests) == 3
    assert json.loads(reply.content) == ARREST_ANSWER and reply.attempts == 3
    assert waits[0] == pytest.approx(0.3)             # Retry-After honoured
    assert 0.1 <= waits[1] <= 0.15                    # second retry: backoff * 2 with up to 50% jitter


def test_a_timeout_gives_one_clear_error_naming_the_document(tmp_path):
    with ChatServer(lambda body, n: Reply(200, completion("{}").body, delay=1.5)) as server:
        model = extractor(server, tmp_path, timeout=0.3, retries=1, use_cache=False)
        with pytest.raises(LLMError) as err:
            model.predict([doc(ARREST, "doc-slow")])
        assert len(server.requests) == 2
    assert "document 'doc-slow'" in str(err.value) and "after 2 tries" in str(err.value)


def test_a_refused_response_format_falls_back_to_json_in_text(tmp_path):
    def script(body, n):
        if "response_format" in body:
            return Reply(400, {"error": {"message": "response_format is not supported"}})
        return completion("Here you are:\n```json\n" + json.dumps(ARREST_ANSWER) + "\n```")

    with ChatServer(script) as server:
        model = extractor(server, tmp_path)
        [prediction] = model.predict([doc(ARREST)])
        assert ["response_format" in body for body, _ in server.requests] == [True, False]
    assert len(prediction.events) == 1 and len(prediction.entities) == 4


def test_a_rerun_is_answered_from_the_cache_and_the_key_is_written_nowhere(tmp_path):
    with ChatServer(lambda body, n: completion(json.dumps(ARREST_ANSWER))) as server:
        first = extractor(server, tmp_path).predict([doc(ARREST)])
        assert len(server.requests) == 1
        rerun = extractor(server, tmp_path)
        second = rerun.predict([doc(ARREST)])
        assert len(server.requests) == 1              # the second run sent no request
    assert first == second
    assert rerun.stats_.documents[0]["cached"] == 1 and rerun.stats_.documents[0]["requests"] == 0
    write_documents(tmp_path / "predictions.jsonl", second)
    (tmp_path / "stats.json").write_text(json.dumps(rerun.stats_.to_dict()), encoding="utf-8")
    written = [p for p in tmp_path.rglob("*") if p.is_file()]
    assert len(written) >= 3
    assert not [p for p in written if SECRET in p.read_text(encoding="utf-8")]
    assert SECRET not in repr(rerun)


def test_an_error_body_that_echoes_the_key_is_redacted(tmp_path):
    with ChatServer(lambda body, n: Reply(401, {"error": {"message": f"invalid key {SECRET}"}})) as server:
        with pytest.raises(LLMError) as err:
            extractor(server, tmp_path, use_cache=False).predict([doc(ARREST)])
    assert SECRET not in str(err.value) and "***" in str(err.value) and "HTTP 401" in str(err.value)


def test_long_documents_go_by_paragraph_chunks_and_offsets_map_back(tmp_path):
    text = "Police arrested two men in Kabul.\n\nA bomb exploded in Herat.\n\nTroops shot a gunman in Kandahar."
    document = doc(text)
    parts = chunks(document, 40)
    assert [p.text for p in parts] == ["Police arrested two men in Kabul.", "A bomb exploded in Herat.",
                                       "Troops shot a gunman in Kandahar."]
    answers = {"A bomb exploded in Herat.": {"events": [{"type": "Conflict.Attack", "trigger": "exploded",
                                                        "arguments": [{"role": "Place", "text": "Herat", "entity_type": "GPE"}]}]}}
    with ChatServer(lambda body, n: completion(json.dumps(answers.get(user_text(body), {"events": []})))) as server:
        [prediction] = extractor(server, tmp_path, max_chars=40).predict([document])
        assert len(server.requests) == 3
    [event] = prediction.events
    normalised = document.text
    assert normalised[event.trigger.start:event.trigger.end] == "exploded" and event.trigger.start == parts[1].start + 7
    [place] = prediction.entities
    assert place.text == normalised[place.start:place.end] == "Herat"


def test_few_shot_examples_come_from_the_fitted_train_documents_by_similarity(tmp_path):
    train = [doc("Protesters marched in Paris against the law.", "t-protest"), doc(ARREST.replace("Kabul", "Herat"), "t-arrest")]
    gold_arrest = ARREST.replace("Kabul", "Herat")
    train[1] = train[1].__class__.from_dict({**train[1].to_dict(), "entities": [
        {"id": "T1", "type": "ORG", "start": 0, "end": 6, "text": "Police"}], "events": [
        {"id": "E1", "type": "Justice.Arrest", "trigger": {"start": 7, "end": 15, "text": "arrested"},
         "arguments": [{"role": "Agent", "entity": "T1"}], "realis": "actual"}]})
    assert ShotSelector(train).select(ARREST, 1)[0].id == "t-arrest"      # the protest has no event: never a shot
    with ChatServer(lambda body, n: completion(json.dumps(ARREST_ANSWER))) as server:
        model = extractor(server, tmp_path, shots=1).fit(train)
        model.predict([doc(ARREST)])
        messages = server.requests[0][0]["messages"]
    assert [m["role"] for m in messages] == ["system", "user", "assistant", "user"]
    assert gold_arrest in messages[1]["content"]
    assert json.loads(messages[2]["content"]) == answer_of(train[1])
    with pytest.raises(Exception, match="needs fit"):
        LLMExtractor("m", base_url="http://127.0.0.1:9/v1", shots=2).predict([doc(ARREST)])


def test_anchor_rules():
    assert anchor("Police arrested two men.", "arrested").span == (7, 15)
    assert anchor("Police arrested two men.", "ARRESTED   two").how == "loose"
    assert anchor("Police arrested two men.", "   ").reason == "empty"
    assert anchor("a b a b", "a").reason == "ambiguous"
    assert anchor("a b a b", "a", context="b a").span == (4, 5)
    assert anchor("a b a b", "a", near=5).span == (4, 5)


def test_parse_json_answer_reads_fences_and_prose():
    assert parse_json_answer('{"events": []}') == {"events": []}
    assert parse_json_answer('Sure! {"events": [1]} Hope this helps.') == {"events": [1]}
    assert parse_json_answer('```json\n{"events": [2]}\n```') == {"events": [2]}
    with pytest.raises(LLMError, match="holds no JSON"):
        parse_json_answer("no events here")


def test_the_ontology_in_the_forms_prompts_use():
    """`annotate schema --as markdown|python|json-schema`: every type and role, code that runs, a schema answers fit."""
    import jsonschema
    from typer.testing import CliRunner

    from newsevents.cli import app
    from newsevents.ontology_forms import answer_json_schema, to_markdown, to_python

    markdown = to_markdown(SCHEMA)
    for event_type in SCHEMA.event_types:
        assert f"### {event_type.name}" in markdown
        assert all(f"| {role.name} |" in markdown for role in event_type.roles)
    namespace: dict = {}
    exec(to_python(SCHEMA), namespace)
    assert namespace["JusticeArrest"](trigger="arrested", Detainee=["two men"]).Detainee == ["two men"]
    assert {name for name in namespace if not name.startswith("_")} >= {e.name.replace(".", "") for e in SCHEMA.event_types}
    jsonschema.Draft202012Validator.check_schema(answer_json_schema(SCHEMA))
    jsonschema.validate(ARREST_ANSWER, answer_json_schema(SCHEMA))
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate({"events": [{"type": "Life.Marry", "trigger": "x", "arguments": []}]}, answer_json_schema(SCHEMA))
    result = CliRunner().invoke(app, ["annotate", "schema", "--as", "json-schema"])
    assert result.exit_code == 0 and json.loads(result.output) == answer_json_schema(SCHEMA)


def test_eval_run_llm_writes_predictions_and_a_report_with_the_generated_output_section(tmp_path, monkeypatch):
    """`newsevents eval run --gold G --llm MODEL --base-url URL`, the key from the environment, against the stand-in."""
    from typer.testing import CliRunner

    from newsevents.cli import app

    gold = doc(ARREST).__class__.from_dict({**doc(ARREST).to_dict(), "entities": [
        {"id": "T1", "type": "ORG", "start": 0, "end": 6, "text": "Police"},
        {"id": "T2", "type": "PER", "start": 16, "end": 23, "text": "two men"}], "events": [
        {"id": "E1", "type": "Justice.Arrest", "trigger": {"start": 7, "end": 15, "text": "arrested"},
         "arguments": [{"role": "Agent", "entity": "T1"}, {"role": "Detainee", "entity": "T2"}], "realis": "actual"}]})
    write_documents(tmp_path / "gold.jsonl", [gold])
    monkeypatch.setenv("NEWSEVENTS_LLM_API_KEY", SECRET)
    answer = {"events": [ARREST_ANSWER["events"][0], {"type": "Life.Marry", "trigger": "men", "arguments": []},
                         {"type": "Justice.Charge", "trigger": "charged", "arguments": []}]}
    with ChatServer(lambda body, n: completion(json.dumps(answer), 150, 60)) as server:
        result = CliRunner().invoke(app, ["eval", "run", "--gold", str(tmp_path / "gold.jsonl"), "--llm", "stand-in",
                                          "--base-url", server.base_url, "--cache-dir", str(tmp_path / "cache"),
                                          "--price-prompt", "1", "--price-completion", "4", "--bootstrap", "0",
                                          "--out", str(tmp_path / "run")])
        assert result.exit_code == 0, result.output
        assert server.requests[0][1]["Authorization"] == f"Bearer {SECRET}"
    report = json.loads((tmp_path / "run" / "report.json").read_text(encoding="utf-8"))
    generation = report["run"]["generation"]
    assert generation["totals"]["prompt_tokens"] == 150 and generation["dropped"] == {"trigger:not_found": 1}
    assert generation["unknown_labels"]["event_types"] == {"Life.Marry": 1}
    assert generation["cost"]["per_1000_documents"] == pytest.approx(1000 * (150 * 1 + 60 * 4) / 1e6)
    assert report["metrics"]["TC"]["f1"] == 1.0 and report["metrics"]["AC+"]["n_match"] == 2
    assert set(report["span_modes"]) == {"exact", "overlap", "head"}
    markdown = (tmp_path / "run" / "report.md").read_text(encoding="utf-8")
    assert "## Generated output" in markdown and "trigger:not_found" in markdown and "Life.Marry (1)" in markdown
    assert "## Span modes" in markdown
    assert not [p for p in tmp_path.rglob("*") if p.is_file() and SECRET in p.read_text(encoding="utf-8")]
    assert SECRET not in result.output
