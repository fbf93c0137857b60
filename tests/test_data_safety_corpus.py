"""Issue #8, corpus side: no input destroys data or prints a traceback.

`corpus build` replaces only a folder it wrote itself; `corpus ingest` never empties its output;
`corpus build` never invents a split; `annotate author` refuses misspelled keys; SIGTERM cleans up.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from helpers import SEED_ID
from test_build import small_corpus  # noqa: F401 (a fixture)
from newsevents.corpus.build import build
from newsevents.errors import FormatError, NewsEventsError
from newsevents.paths import REPO_ROOT

#: newsevents.corpus.build.BUILD_MARKER, spelled out: the file format is the contract.
BUILD_MARKER = ".newsevents-build.json"


def _run(*args, cwd=None):
    return subprocess.run([sys.executable, "-m", "newsevents", *map(str, args)], capture_output=True, text=True, cwd=cwd)


def _one_line_error(run) -> str:
    assert run.returncode == 2, (run.returncode, run.stderr)
    assert "Traceback" not in run.stderr
    lines = run.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), run.stderr
    return lines[0]


def _tree(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*") if p.is_file()}


def _build_cli(corpus, texts, out, *extra, cwd=None):
    return _run("corpus", "build", "--corpus", corpus, "--texts", texts, "--out", out, *extra, cwd=cwd)


# 1. corpus build --out -------------------------------------------------------------------------


def test_build_refuses_a_folder_it_did_not_write_even_with_a_readme(small_corpus, tmp_path):
    corpus, texts = small_corpus
    out = tmp_path / "project"
    (out / ".git").mkdir(parents=True)
    (out / ".git" / "HEAD").write_text("ref: refs/heads/main\n")
    (out / "README.md").write_text("# my project\n")
    before = _tree(out)
    line = _one_line_error(_build_cli(corpus, texts, out))
    assert str(out) in line and BUILD_MARKER in line and "choose another --out, or remove it yourself" in line
    assert _tree(out) == before
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".project")] == []


def test_build_never_touches_a_dot_old_sibling_and_replaces_its_own_output(small_corpus, tmp_path, schema):
    corpus, texts = small_corpus
    out = tmp_path / "dataset"
    sibling = tmp_path / ".dataset.old"
    sibling.mkdir()
    (sibling / "keep.txt").write_text("mine")
    build(corpus, [texts], out, schema)
    marker = json.loads((out / BUILD_MARKER).read_text())
    assert sorted(marker["files"]) == ["ATTRIBUTION", "README.md", "croissant.json", "documents/test.parquet", "documents/train.parquet",
                                       "documents/validation.parquet", "sentences/test.parquet", "sentences/train.parquet",
                                       "sentences/validation.parquet"]
    assert marker["local_only"] is False
    build(corpus, [texts], out, schema)          # its own output: replaced
    assert (sibling / "keep.txt").read_text() == "mine"
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".")) == [".dataset.old"]


def test_build_refuses_its_own_output_once_a_file_was_added_or_changed(small_corpus, tmp_path, schema):
    corpus, texts = small_corpus
    out = tmp_path / "dataset"
    build(corpus, [texts], out, schema)
    (out / "notes.txt").write_text("my notes")
    with pytest.raises(FormatError, match="files the build did not write: notes.txt"):
        build(corpus, [texts], out, schema)
    assert (out / "notes.txt").read_text() == "my notes"
    (out / "notes.txt").unlink()
    (out / "README.md").write_text("edited by hand")
    with pytest.raises(FormatError, match="files changed since the build: README.md"):
        build(corpus, [texts], out, schema)
    assert (out / "README.md").read_text() == "edited by hand"


def test_build_into_an_empty_folder(small_corpus, tmp_path, schema):
    corpus, texts = small_corpus
    out = tmp_path / "empty"
    out.mkdir()
    build(corpus, [texts], out, schema)
    assert (out / BUILD_MARKER).is_file()


def test_build_out_that_is_a_file_the_cwd_or_the_repository_is_one_line(small_corpus, tmp_path):
    corpus, texts = small_corpus
    a_file = tmp_path / "data.parquet"
    a_file.write_bytes(b"not mine to replace")
    line = _one_line_error(_build_cli(corpus, texts, a_file))
    assert "is a file" in line and a_file.read_bytes() == b"not mine to replace"
    line = _one_line_error(_build_cli(corpus, texts, a_file / "dataset"))
    assert "is a file, so the output folder cannot be made there" in line

    work = tmp_path / "work"
    work.mkdir()
    (work / "README.md").write_text("# work\n")
    line = _one_line_error(_build_cli(corpus, texts, ".", cwd=work))
    assert "the current directory" in line and (work / "README.md").read_text() == "# work\n"
    line = _one_line_error(_build_cli(corpus, texts, "..", cwd=work))
    assert "the folder holding the current directory" in line

    line = _one_line_error(_build_cli(corpus, texts, REPO_ROOT, cwd=tmp_path))
    assert "the repository" in line and (REPO_ROOT / "pyproject.toml").is_file()
    line = _one_line_error(_build_cli(corpus, texts, corpus, cwd=tmp_path))
    assert "a folder the build reads" in line


def test_check_output_dir_is_the_library_guard(tmp_path):
    from newsevents.corpus.build import BUILD_MARKER as marker, check_output_dir

    assert marker == BUILD_MARKER
    check_output_dir(tmp_path / "new")                      # missing: fine
    (tmp_path / "x").mkdir()
    check_output_dir(tmp_path / "x")                        # empty: fine
    (tmp_path / "x" / "f").write_text("")
    with pytest.raises(FormatError, match="has no .newsevents-build.json"):
        check_output_dir(tmp_path / "x")
    with pytest.raises(FormatError, match="the repository"):
        check_output_dir(REPO_ROOT)


# 2. corpus ingest --out ------------------------------------------------------------------------


def test_ingest_that_produces_no_document_leaves_the_output_as_it_was(tmp_path):
    out = tmp_path / "docs.jsonl"
    out.write_text('{"id": "precious", "text": "Earlier work."}\n', encoding="utf-8")
    bad = tmp_path / "bad.txt"
    bad.write_bytes(b"\xff\xfe\x00 not utf-8 \x81")
    empty = tmp_path / "empty.txt"
    empty.write_text("   \n", encoding="utf-8")
    run = _run("corpus", "ingest", bad, empty, "--out", out)
    assert run.returncode == 1 and "Traceback" not in run.stderr
    assert "ingested 0 documents, 2 failed" in run.stdout and "not written (left as it was)" in run.stdout
    assert out.read_text(encoding="utf-8") == '{"id": "precious", "text": "Earlier work."}\n'


def test_ingest_out_that_is_a_folder_or_an_input_is_one_line(tmp_path):
    article = tmp_path / "a.txt"
    article.write_text("Police arrested two men.", encoding="utf-8")
    folder = tmp_path / "folder"
    folder.mkdir()
    line = _one_line_error(_run("corpus", "ingest", article, "--out", folder))
    assert str(folder) in line and "folder" in line
    items = tmp_path / "items.jsonl"
    items.write_text('{"id": "a", "text": "Police arrested two men."}\n', encoding="utf-8")
    line = _one_line_error(_run("corpus", "ingest", article, "--out", article / "docs.jsonl"))
    assert "is a file, so the output cannot be written there" in line
    line = _one_line_error(_run("corpus", "ingest", items, "--out", items))
    assert "one of the inputs" in line
    assert items.read_text(encoding="utf-8") == '{"id": "a", "text": "Police arrested two men."}\n'


# 3. corpus build without stored splits ---------------------------------------------------------


def test_build_without_splits_refuses_naming_the_split_command(small_corpus, tmp_path, schema):
    corpus, texts = small_corpus
    (corpus / "splits.jsonl").unlink()
    with pytest.raises(FormatError, match=r"newsevents corpus split") as info:
        build(corpus, [texts], tmp_path / "out", schema)
    assert info.value.file == str(corpus / "splits.jsonl")
    line = _one_line_error(_build_cli(corpus, texts, tmp_path / "out"))
    assert "no split assignment" in line and "newsevents corpus split" in line
    assert not (tmp_path / "out").exists() and not (corpus / "splits.jsonl").exists()


def test_build_refuses_a_document_the_splits_do_not_list(small_corpus, tmp_path, schema):
    corpus, texts = small_corpus
    splits = corpus / "splits.jsonl"
    splits.write_text("".join(line + "\n" for line in splits.read_text().splitlines() if '"s-market"' not in line))
    with pytest.raises(FormatError, match=r"1 documents have no split: s-market; run `newsevents corpus split"):
        build(corpus, [texts], tmp_path / "out", schema)


# 4. annotate author: unknown keys, missing files -----------------------------------------------

RECORD = f"""# a comment line
- document: {SEED_ID}
  source: {{source: seed, text_file: seed/000_fc58bcde01b77c5c.txt}}
  entities:
    - {{id: T1, type: PER, span: Sultan Aziz Azzam, occurrence: 1, cluster: c-azzam}}
    - {{id: T2, type: GPE, span: Pakistan, context: "Pakistan’s intelligence services",
       cluster: c-pak}}
  events:
    - id: E1
      type: Justice.Arrest
      trigger: arresting
      realis: actual
      hopper: h1
      arguments: {{Detainee: T1, Agent: [T2]}}
"""


@pytest.mark.parametrize(("old", "new", "line", "field", "hint"), [
    ("cluster: c-pak}", "cluser: c-pak}", 7, "entities[1] (T2).cluser", "did you mean 'cluster'?"),
    ("      hopper: h1", "      hoper: h1", 13, "events[0] (E1).hoper", "did you mean 'hopper'?"),
    ("  events:", "  event:", 8, "event", "did you mean 'events'?"),
    ("text_file: seed/", "textfile: seed/", 3, "source.textfile", "did you mean 'text_file'?"),
    ("occurrence: 1,", "occurence: 1,", 5, "entities[0] (T1).occurence", "did you mean 'occurrence'?"),
])
def test_author_refuses_unknown_keys_at_their_line(tmp_path, schema, old, new, line, field, hint):
    from newsevents.annotation.authoring import author

    path = tmp_path / "batch.yaml"
    assert old in RECORD
    path.write_text(RECORD.replace(old, new), encoding="utf-8")
    with pytest.raises(FormatError) as info:
        author([path], [], schema)
    err = info.value
    assert (err.file, err.line, err.document, err.field) == (str(path), line, SEED_ID, field)
    assert hint in err.message


def test_author_cli_unknown_key_and_missing_file_are_one_line(tmp_path):
    path = tmp_path / "batch.yaml"
    path.write_text(RECORD.replace("      hopper: h1", "      hoper: h1"), encoding="utf-8")
    out = tmp_path / "gold.jsonl"
    line = _one_line_error(_run("annotate", "author", path, "--out", out, cwd=REPO_ROOT))
    assert line == (f"error: {path}:13, document '{SEED_ID}', field events[0] (E1).hoper: "
                    "unknown key 'hoper' in an event; did you mean 'hopper'?")
    assert not out.exists()
    line = _one_line_error(_run("annotate", "author", tmp_path / "missing.yaml", "--out", out, cwd=REPO_ROOT))
    assert "missing.yaml" in line and "No such file" in line


def test_author_still_resolves_a_correct_record_and_errors_carry_the_item_line(tmp_path, schema):
    from newsevents.annotation.authoring import author

    path = tmp_path / "batch.yaml"
    path.write_text(RECORD, encoding="utf-8")
    (authored,) = author([path], [], schema)
    assert [(e.id, e.start, e.end) for e in authored.document.entities] == [("T1", 105, 122), ("T2", 0, 8)]
    path.write_text(RECORD.replace("trigger: arresting", "trigger: arrestingg"), encoding="utf-8")
    with pytest.raises(NewsEventsError, match="'arrestingg' does not occur") as info:
        author([path], [], schema)
    assert info.value.line == 9 and info.value.field == "events[0] (E1)"


# 5. SIGTERM during an ingest -------------------------------------------------------------------


def test_sigterm_during_the_write_leaves_no_temporary_file(tmp_path):
    big = tmp_path / "big.jsonl"
    with big.open("w", encoding="utf-8") as handle:   # short texts, large metadata: a long write
        for i in range(300):
            handle.write(json.dumps({"id": f"d{i}", "text": f"Police arrested {i} men in Kabul.", "payload": list(range(8000))}) + "\n")
    out = tmp_path / "out" / "docs.jsonl"
    out.parent.mkdir()
    process = subprocess.Popen([sys.executable, "-m", "newsevents", "corpus", "ingest", str(big), "--out", str(out), "--jobs", "1"],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 300
    while process.poll() is None and time.monotonic() < deadline:
        if any(name.endswith(".tmp") for name in os.listdir(out.parent)):
            process.send_signal(signal.SIGTERM)
            break
        time.sleep(0.002)
    else:
        process.kill()
        pytest.fail("the ingest ended before its temporary file was seen")
    _, stderr = process.communicate(timeout=120)
    assert process.returncode == 128 + signal.SIGTERM, stderr
    assert "Traceback" not in stderr
    assert os.listdir(out.parent) == []
