"""``newsevents publish``: the dry-run folder, the Croissant file, and the upload.

The upload goes to ``tests/fixtures/hub_server.py``, a small HTTP server on 127.0.0.1 that stands in
for the Hugging Face Hub (the Hub cannot be reached from here): it implements the API routes that the
real ``huggingface_hub`` client calls, which these tests drive unmodified through ``HF_ENDPOINT``. What
the stand-in received is compared, file by file, with the dry-run folder of the same release.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from helpers import write_jsonl
from fixtures.hub_server import HubServer
from newsevents.corpus.card import check_card, split_card
from newsevents.corpus.normalize import normalize
from newsevents.corpus.split import SplitAssignment, save_splits
from newsevents.document import text_sha256
from newsevents.paths import REPO_ROOT

NEWSEVENTS = Path(sys.executable).with_name("newsevents")
#: A token no real account has; it must appear in no output, file or error.
TOKEN = "hf_standInTokenForTests0123456789abcdefXYZ"

#: Three stories: a plain text file (train), two records of one JSONL file (validation, test).
ARREST = "Police arrested two men in Kabul on Monday.\n\nThe men were detained at a checkpoint near the airport."
ATTACK = "Gunmen attacked a bus in Quetta.\n\nSeven passengers were killed in the attack."
MARKET = "Grain prices rose again this week.\n\nTraders blamed the weather for the poor harvest."


def _span(text: str, needle: str, occurrence: int = 0) -> dict:
    start = -1
    for _ in range(occurrence + 1):
        start = text.index(needle, start + 1)
    return {"start": start, "end": start + len(needle), "text": needle}


def _gold(doc_id: str, raw: str) -> dict:
    text = normalize(raw).text
    if doc_id == "n-arrest":
        entities = [{"id": "T1", "type": "ORG", **_span(text, "Police")},
                    {"id": "T2", "type": "PER", **_span(text, "two men"), "cluster": "c-men"},
                    {"id": "T3", "type": "GPE", **_span(text, "Kabul")},
                    {"id": "T4", "type": "PER", **_span(text, "The men"), "cluster": "c-men"}]
        events = [{"id": "E1", "type": "Justice.Arrest", "trigger": _span(text, "arrested"), "realis": "actual", "hopper": "h1",
                   "arguments": [{"role": "Agent", "entity": "T1"}, {"role": "Detainee", "entity": "T2"}, {"role": "Place", "entity": "T3"}]},
                  # "The men" of the second sentence, and Kabul of the first: an argument across sentences.
                  {"id": "E2", "type": "Justice.Arrest", "trigger": _span(text, "detained"), "realis": "actual", "hopper": "h1",
                   "arguments": [{"role": "Detainee", "entity": "T4"}, {"role": "Place", "entity": "T3"}]}]
    elif doc_id == "ce-attack":
        entities = [{"id": "T1", "type": "PER", **_span(text, "Gunmen")},
                    {"id": "T2", "type": "VEH", **_span(text, "a bus")},
                    {"id": "T3", "type": "PER", **_span(text, "Seven passengers")}]
        events = [{"id": "E1", "type": "Conflict.Attack", "trigger": _span(text, "attacked"), "realis": "actual", "hopper": "h-a",
                   "arguments": [{"role": "Attacker", "entity": "T1"}, {"role": "Target", "entity": "T2"}]},
                  {"id": "E2", "type": "Life.Die", "trigger": _span(text, "killed"), "realis": "actual",
                   "arguments": [{"role": "Victim", "entity": "T3"}]}]
    else:
        entities, events = [], []
    return {"id": doc_id, "sha256": text_sha256(text), "entities": entities, "events": events}


def git(cwd: Path, *args: str) -> None:
    subprocess.run(["git", "-C", str(cwd), *args], check=True, capture_output=True,
                   env={**os.environ, "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.org",
                        "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@example.org"})


def make_project(root: Path, changelog: str = "v0.1.0 (2026-12-01)") -> tuple[Path, Path, Path]:
    """A committed mini repository (corpus/, annotation/schema.yaml) and its text directory.

    Returns ``(corpus, texts, schema path)``.
    """
    project, texts = root / "project", root / "texts"
    corpus = project / "corpus"
    (texts / "news").mkdir(parents=True)
    (texts / "news" / "n-arrest.txt").write_text(ARREST, encoding="utf-8")
    write_jsonl(texts / "items" / "items.jsonl", [{"id": "ce-attack", "text": ATTACK, "title": "Attack on a bus"},
                                                  {"id": "ce-market", "text": MARKET}])
    sha = {k: text_sha256(normalize(v).text) for k, v in (("n-arrest", ARREST), ("ce-attack", ATTACK), ("ce-market", MARKET))}
    write_jsonl(corpus / "manifest.jsonl", [
        {"id": "ce-attack", "source": "Wikipedia Current events portal", "text_file": "items/items.jsonl", "record": "ce-attack",
         "sha256": sha["ce-attack"], "url": "https://en.wikipedia.org/wiki/Portal:Current_events/2025_March_2", "date": "2025-03-02",
         "license": "CC BY-SA 4.0"},
        {"id": "ce-market", "source": "Wikipedia Current events portal", "text_file": "items/items.jsonl", "record": "ce-market",
         "sha256": sha["ce-market"], "url": "https://en.wikipedia.org/wiki/Portal:Current_events/2025_April_9", "date": "2025-04-09",
         "license": "CC BY-SA 4.0"},
        {"id": "n-arrest", "source": "Wikinews", "text_file": "news/n-arrest.txt", "sha256": sha["n-arrest"],
         "url": "https://en.wikinews.org/wiki/Two_men_arrested", "date": "2019-02-01", "license": "CC BY 2.5",
         "title": "Two men arrested in Kabul"},
    ])
    write_jsonl(corpus / "gold" / "gold.jsonl", [_gold("n-arrest", ARREST), _gold("ce-attack", ATTACK), _gold("ce-market", MARKET)])
    save_splits(corpus / "splits.jsonl", SplitAssignment(
        splits={"n-arrest": "train", "ce-attack": "dev", "ce-market": "test"},
        groups={k: k for k in sha}, strategy="hash", salt="newsevents-v1", ratios=(0.7, 0.15, 0.15)))
    (corpus / "CHANGELOG.md").write_text(f"# Corpus changelog\n\n## {changelog}\n\n- three test stories.\n", encoding="utf-8")
    (project / "annotation").mkdir()
    shutil.copy(REPO_ROOT / "annotation" / "schema.yaml", project / "annotation" / "schema.yaml")
    git(project, "init", "-q")
    git(project, "add", ".")
    git(project, "commit", "-q", "-m", "corpus")
    return corpus, texts, project / "annotation" / "schema.yaml"


def run(*args: str, env: dict[str, str] | None = None, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    base = {k: v for k, v in os.environ.items() if not k.startswith("HF_")}
    full = {**base, "HF_TOKEN": TOKEN, "HF_HUB_DISABLE_XET": "1", "HF_HUB_DISABLE_TELEMETRY": "1", **(env or {})}
    return subprocess.run([str(NEWSEVENTS), *args], capture_output=True, text=True, env=full, cwd=cwd, timeout=600)


def publish_args(corpus: Path, texts: Path, schema: Path, version: str = "0.1.0", *more: str) -> list[str]:
    return ["publish", "--repo-id", "newsevents-test/events", "--version", version, "--texts", str(texts),
            "--corpus", str(corpus), "--schema", str(schema), *more]


def folder_bytes(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture(scope="module")
def released(tmp_path_factory):
    """The mini project and its dry-run folder (made by the command line)."""
    root = tmp_path_factory.mktemp("publish")
    corpus, texts, schema = make_project(root)
    folder = root / "dry-run"
    result = run(*publish_args(corpus, texts, schema, "0.1.0", "--dry-run", str(folder)))
    assert result.returncode == 0, result.stdout + result.stderr
    return corpus, texts, schema, folder, result


def test_dry_run_writes_the_folder_to_upload_and_every_config_loads(released, tmp_path):
    from datasets import load_dataset

    _, _, _, folder, result = released
    assert "dry run: wrote" in result.stdout and "nothing was uploaded" in result.stdout
    assert sorted(folder_bytes(folder)) == [
        ".newsevents-build.json", ".newsevents-publish.json", "ATTRIBUTION", "README.md", "croissant.json",
        "documents/test.parquet", "documents/train.parquet", "documents/validation.parquet",
        "sentences/test.parquet", "sentences/train.parquet", "sentences/validation.parquet",
    ]
    for config in ("documents", "sentences"):
        loaded = load_dataset(str(folder), config, cache_dir=str(tmp_path / f"cache-{config}"))
        assert list(loaded) == ["train", "validation", "test"]
    docs = load_dataset(str(folder), cache_dir=str(tmp_path / "cache-default"))   # documents is the default
    assert {s: [r["id"] for r in d] for s, d in docs.items()} == {"train": ["n-arrest"], "validation": ["ce-attack"], "test": ["ce-market"]}
    assert all(r["redistributable"] is True and r["license"] and r["url"] for d in docs.values() for r in d)
    card = (folder / "README.md").read_text(encoding="utf-8")
    assert check_card(card) == []
    header, _ = split_card(card)
    assert header["configs"][0] == {"config_name": "documents", "default": True, "data_files": [
        {"split": "train", "path": "documents/train.parquet"}, {"split": "validation", "path": "documents/validation.parquet"},
        {"split": "test", "path": "documents/test.parquet"}]}
    record = json.loads((folder / ".newsevents-publish.json").read_text())
    assert record["version"] == "0.1.0" and len(record["build"]) == 64
    marker = json.loads((folder / ".newsevents-build.json").read_text())
    assert sorted(marker["files"]) == sorted(set(folder_bytes(folder)) - {".newsevents-build.json"})
    attribution = (folder / "ATTRIBUTION").read_text(encoding="utf-8")
    for doc_id, url in (("n-arrest", "https://en.wikinews.org/wiki/Two_men_arrested"), ("ce-market", "2025_April_9")):
        assert doc_id in attribution and url in attribution


def test_the_token_appears_nowhere(released):
    *_, folder, result = released
    assert TOKEN not in result.stdout + result.stderr
    for name, data in folder_bytes(folder).items():
        assert TOKEN.encode() not in data, name


def test_croissant_file_validates_against_the_spec(released):
    mlcroissant = pytest.importorskip("mlcroissant")
    *_, folder, _ = released
    metadata = json.loads((folder / "croissant.json").read_text(encoding="utf-8"))
    assert [r["name"] for r in metadata["recordSet"]] == ["documents", "sentences"]
    assert {f["name"] for f in metadata["recordSet"][0]["field"]} >= {"id", "text", "entities", "events", "license", "url", "redistributable"}
    dataset = mlcroissant.Dataset(jsonld=str(folder / "croissant.json"))   # raises on any error of the spec
    assert dataset.metadata.name == "newsevents"
    assert not dataset.metadata.ctx.issues.errors
    rows = list(dataset.records(record_set="sentences"))
    assert len(rows) == 6  # two sentences per story


def test_a_dry_run_reports_what_a_real_publish_would_refuse(tmp_path):
    corpus, texts, schema = make_project(tmp_path, changelog="Unreleased")
    (corpus / "notes.txt").write_text("uncommitted\n")
    result = run(*publish_args(corpus, texts, schema, "0.1.0", "--dry-run", str(tmp_path / "out")))
    assert result.returncode == 0, result.stderr
    assert "has no entry for 0.1.0" in result.stderr and "uncommitted changes" in result.stderr


@pytest.fixture()
def hub():
    with HubServer() as server:
        yield server


def _hub_env(hub: HubServer) -> dict[str, str]:
    return {"HF_ENDPOINT": hub.url}


def test_upload_to_the_stand_in_hub_sends_exactly_the_dry_run_folder(released, hub, tmp_path):
    corpus, texts, schema, folder, _ = released
    result = run(*publish_args(corpus, texts, schema), env=_hub_env(hub))
    assert result.returncode == 0, result.stdout + result.stderr
    assert TOKEN not in result.stdout + result.stderr
    repo = hub.state.repos["newsevents-test/events"]
    assert len(repo.commits) == 2        # the Hub's initial commit, then ours: one commit of the whole folder
    commit = repo.head
    expected = folder_bytes(folder)
    assert sorted(commit.received) == sorted(expected)
    for name, data in expected.items():  # file by file, byte for byte
        assert commit.received[name] == data, name
    assert set(commit.files) == set(expected) | {".gitattributes"}
    assert repo.tags == {"v0.1.0": commit.id}
    assert "newsevents-publish: v0.1.0 build " in commit.message
    assert f"Bearer {TOKEN}" in hub.state.authorizations          # the token reached the Hub, and only the Hub
    assert f"commit {commit.id}" in result.stdout and "tag v0.1.0" in result.stdout


def _one_line_error(result: subprocess.CompletedProcess[str]) -> str:
    assert result.returncode == 2, result.stdout + result.stderr
    assert "Traceback" not in result.stderr and TOKEN not in result.stderr + result.stdout
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, result.stderr
    return lines[0]


def test_publish_refusals(hub, tmp_path):
    corpus, texts, schema = make_project(tmp_path)
    env = _hub_env(hub)
    assert run(*publish_args(corpus, texts, schema, "0.1.0"), env=env).returncode == 0
    # The same version again, and an older one: not newer than the last tag.
    assert "not newer than the repo's last release v0.1.0" in _one_line_error(run(*publish_args(corpus, texts, schema, "0.1.0"), env=env))
    # A version the changelog does not have.
    assert "has no entry for 0.2.0" in _one_line_error(run(*publish_args(corpus, texts, schema, "0.2.0"), env=env))
    # Uncommitted changes to the corpus.
    changelog = corpus / "CHANGELOG.md"
    changelog.write_text(changelog.read_text() + "\n## v0.2.0 (2026-12-02)\n\n- nothing new.\n")
    assert "uncommitted changes" in _one_line_error(run(*publish_args(corpus, texts, schema, "0.2.0"), env=env))
    git(corpus.parent, "commit", "-q", "-am", "changelog 0.2.0")
    # Someone edits the Hub repo by hand: refused, unless --force.
    hub.state.add_manual_commit("newsevents-test/events", "README.md", b"edited by hand\n")
    assert "was not made by `newsevents publish`" in _one_line_error(run(*publish_args(corpus, texts, schema, "0.2.0"), env=env))
    forced = run(*publish_args(corpus, texts, schema, "0.2.0", "--force"), env=env)
    assert forced.returncode == 0, forced.stderr
    repo = hub.state.repos["newsevents-test/events"]
    assert sorted(repo.tags) == ["v0.1.0", "v0.2.0"] and repo.tags["v0.2.0"] == repo.head.id
    assert repo.head.files["README.md"].startswith(b"---\n")       # the hand edit is replaced by the card
    # A bad version string.
    assert "is not X.Y.Z" in _one_line_error(run(*publish_args(corpus, texts, schema, "v1"), env=env))


def test_no_token_is_a_one_line_error(tmp_path, hub):
    corpus, texts, schema = make_project(tmp_path)
    result = run(*publish_args(corpus, texts, schema), env={**_hub_env(hub), "HF_TOKEN": "", "HF_HOME": str(tmp_path / "hf-home")})
    assert "no Hugging Face token" in _one_line_error(result)
