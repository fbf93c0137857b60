"""Tests of newsevents.corpus.readers: each format, each refusal, directory expansion."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from newsevents.corpus.readers import SUPPORTED_SUFFIXES, RawArticle, iter_input_files, read_articles
from newsevents.errors import FormatError

SOURCES = Path(__file__).resolve().parents[1].parent / "shared" / "sources"

STORY = "Tuesday, March 5, 2024\n\nPolice in Sampletown detained two men.\nThe pair were questioned.\n"


def write(path: Path, content: str | bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8", newline="")
    return path


def refusal(path: Path, **options: object) -> FormatError:
    with pytest.raises(FormatError) as caught:
        read_articles(path, **options)  # type: ignore[arg-type]
    assert caught.value.file == str(path)
    return caught.value


# --- one article per file -------------------------------------------------------------------------


@pytest.mark.parametrize("suffix", [".txt", ".md", ".TXT"])
def test_plain_text_is_decoded_not_normalised(tmp_path: Path, suffix: str) -> None:
    path = write(tmp_path / f"story{suffix}", STORY)
    assert read_articles(path) == [
        RawArticle(STORY, {"path": str(path), "format": suffix.lower()[1:]}, None, str(path))
    ]


def test_markdown_keeps_its_markup(tmp_path: Path) -> None:
    text = "# Two held in Sampletown\n\n- Police detained two men.\n- Both were released.\n"
    [article] = read_articles(write(tmp_path / "note.md", text))
    assert (article.text, article.meta["format"]) == (text, "md")


def test_utf8_bom_is_dropped_and_crlf_kept(tmp_path: Path) -> None:
    [article] = read_articles(write(tmp_path / "bom.txt", b"\xef\xbb\xbfOne line.\r\nTwo lines.\r\n"))
    assert article.text == "One line.\r\nTwo lines.\r\n"


def test_latin1_file_fails_naming_line_and_offset(tmp_path: Path) -> None:
    path = write(tmp_path / "latin1.txt", "First line.\nSecond line.\nThe caf\u00e9 closed.\n".encode("latin-1"))
    err = refusal(path)
    assert err.line == 3
    assert err.message.startswith("not UTF-8: byte 0xE9 at byte offset 32")
    assert str(err).startswith(f"{path}:3: ")


def test_nul_bytes_fail_as_binary(tmp_path: Path) -> None:
    err = refusal(write(tmp_path / "data.txt", b"text\n\x00\x01\x02"))
    assert err.message.startswith("binary file: NUL byte at byte offset 5")
    assert err.line == 2


def test_utf16_file_is_explained(tmp_path: Path) -> None:
    err = refusal(write(tmp_path / "wide.txt", "Police said.".encode("utf-16")))
    assert "binary file" in err.message and "UTF-16" in err.message


@pytest.mark.parametrize("content", [b"", b"  \n\t\n", b"\xef\xbb\xbf\n", "\u200b\u00a0\n".encode()])
def test_empty_file_fails_as_empty(tmp_path: Path, content: bytes) -> None:
    assert refusal(write(tmp_path / "empty.txt", content)).message.startswith("empty document")


def test_too_large_file_fails_with_size_and_limit(tmp_path: Path) -> None:
    err = refusal(write(tmp_path / "big.txt", "x" * 2_000), max_bytes=1_000)
    assert "2,000 bytes" in err.message and "limit of 1,000 bytes" in err.message


def test_unsupported_suffix_lists_supported(tmp_path: Path) -> None:
    err = refusal(write(tmp_path / "story.pdf", b"%PDF"))
    assert "'.pdf'" in err.message
    assert all(suffix in err.message for suffix in SUPPORTED_SUFFIXES)


def test_missing_file_fails_naming_it(tmp_path: Path) -> None:
    assert "cannot read" in refusal(tmp_path / "gone.txt").message


# --- HTML -----------------------------------------------------------------------------------------

PAGE = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<title>Two held in Sampletown - Example Gazette</title>
<meta property="og:title" content="Two held in Sampletown">
<meta name="date" content="2024-03-05">
<link rel="canonical" href="https://gazette.example.org/two-held">
</head><body>
<nav><ul><li><a href="/">Home page</a></li><li><a href="/world">World news</a></li></ul></nav>
<article>
<p>Police in the invented town of Sampletown detained two men on Tuesday after a long search, a spokeswoman said.</p>
<p>Both men were questioned for several hours and later released without charge, according to the same spokeswoman.</p>
</article>
<footer><p>Copyright Example Gazette, all rights reserved.</p></footer>
</body></html>
"""
PARAGRAPHS = [
    "Police in the invented town of Sampletown detained two men on Tuesday after a long search, a spokeswoman said.",
    "Both men were questioned for several hours and later released without charge, according to the same spokeswoman.",
]


def test_html_yields_article_paragraphs_on_separate_lines(tmp_path: Path) -> None:
    path = write(tmp_path / "page.html", PAGE)
    [article] = read_articles(path)
    assert article.text.split("\n") == PARAGRAPHS
    assert "Home page" not in article.text and "Copyright" not in article.text
    assert article.meta["path"] == str(path) and article.meta["format"] == "html"
    assert article.meta["title"] == "Two held in Sampletown"
    assert article.meta["date"] == "2024-03-05"
    assert article.meta["url"] == "https://gazette.example.org/two-held"
    assert (article.source_id, article.location) == (None, str(path))
    json.dumps(article.meta)  # JSON-able


def test_html_declared_charset_is_used(tmp_path: Path) -> None:
    page = PAGE.replace('charset="utf-8"', 'charset="iso-8859-1"').replace("Sampletown", "Sampletown\u00e9")
    [article] = read_articles(write(tmp_path / "old.htm", page.encode("cp1252")))
    assert "Sampletown\u00e9" in article.text


def test_html_without_main_text_fails(tmp_path: Path) -> None:
    page = "<html><head><title>Index</title></head><body><nav><a href='/'>Home</a></nav><footer>Us</footer></body></html>"
    assert "no main text" in refusal(write(tmp_path / "index.html", page)).message


# --- JSON Lines -----------------------------------------------------------------------------------


def test_jsonl_records_become_articles_with_meta(tmp_path: Path) -> None:
    records = [
        {"id": "a-1", "text": "Police detained two men.", "date": "2024-03-05", "topics": ["Raid"], "wiki": {"n": 1}},
        {"id": 7, "text": "A court released both.", "license": "CC0"},
        {"text": "No id on this one."},
    ]
    path = write(tmp_path / "items.jsonl", "\n".join(map(json.dumps, records[:2])) + "\n\n" + json.dumps(records[2]) + "\n")
    base = {"path": str(path), "format": "jsonl"}
    assert read_articles(path) == [
        RawArticle(
            "Police detained two men.",
            {"date": "2024-03-05", "topics": ["Raid"], "wiki": {"n": 1}, **base, "line": 1}, "a-1", f"{path}:1",
        ),
        RawArticle("A court released both.", {"license": "CC0", **base, "line": 2}, "7", f"{path}:2"),
        RawArticle("No id on this one.", {**base, "line": 4}, None, f"{path}:4"),
    ]


def test_jsonl_custom_columns(tmp_path: Path) -> None:
    path = write(tmp_path / "c.jsonl", json.dumps({"key": "k1", "body": "Two men held.", "text": "other"}) + "\n")
    [article] = read_articles(path, text_column="body", id_column="key")
    assert (article.text, article.source_id, article.meta["text"]) == ("Two men held.", "k1", "other")


@pytest.mark.parametrize(
    ("bad_line", "expected"),
    [
        ('{"id": "c", "text": "unterminated', "malformed JSON"),
        ('["a", "list"]', "expected a JSON object"),
        ('{"id": "c", "body": "no text key"}', "missing text 'text'"),
        ('{"id": "c", "text": 42}', "text must be a string, got int"),
        ('{"id": "c", "text": "  "}', "empty document"),
        ('{"id": "c", "text": "x", "score": NaN}', "NaN is not valid JSON"),
        ('{"id": 1.5, "text": "x"}', "id must be a string or an integer, got float"),
        ('{"id": "a", "text": "again"}', "duplicate id 'a' (first on line 1)"),
    ],
)
def test_jsonl_bad_line_3_fails_the_file_naming_line_3(tmp_path: Path, bad_line: str, expected: str) -> None:
    lines = ['{"id": "a", "text": "One."}', '{"id": "b", "text": "Two."}', bad_line, '{"id": "d", "text": "Four."}']
    err = refusal(write(tmp_path / "items.jsonl", "\n".join(lines) + "\n"))
    assert err.line == 3 and expected in err.message
    assert f"{tmp_path / 'items.jsonl'}:3" in str(err)


def test_jsonl_record_over_limit_fails(tmp_path: Path) -> None:
    err = refusal(write(tmp_path / "big.jsonl", json.dumps({"text": "y" * 50}) + "\n"), max_bytes=10)
    assert err.line == 1 and "50 bytes" in err.message and "limit of 10 bytes" in err.message


def test_jsonl_without_records_fails_as_empty(tmp_path: Path) -> None:
    assert refusal(write(tmp_path / "none.jsonl", "\n\n")).message.startswith("empty document")


# --- CSV ------------------------------------------------------------------------------------------


def test_csv_rows_become_articles_with_physical_lines(tmp_path: Path) -> None:
    content = 'id,text,date,note\r\nr1,"Police detained\ntwo men.",2024-03-05,\r\n\r\n42,"A court, later, released them.",,x\r\n'
    path = write(tmp_path / "items.csv", content)
    base = {"path": str(path), "format": "csv"}
    assert read_articles(path) == [
        RawArticle("Police detained\ntwo men.", {"date": "2024-03-05", **base, "line": 2}, "r1", f"{path}:2"),
        RawArticle("A court, later, released them.", {"note": "x", **base, "line": 5}, "42", f"{path}:5"),
    ]


def test_csv_without_text_column_names_it(tmp_path: Path) -> None:
    err = refusal(write(tmp_path / "items.csv", "id,body\n1,Police detained two men.\n"))
    assert err.line == 1 and "no text column 'text'" in err.message and "'body'" in err.message


@pytest.mark.parametrize(
    ("bad_row", "expected"),
    [("3,Extra,field", "row has 3 fields, the header has 2"), ("3,", "empty document"), ('3,"open', "malformed CSV")],
)
def test_csv_bad_row_names_its_line(tmp_path: Path, bad_row: str, expected: str) -> None:
    err = refusal(write(tmp_path / "items.csv", f"id,text\n1,One.\n2,Two.\n{bad_row}\n"))
    assert err.line == 4 and expected in err.message


# --- directories ----------------------------------------------------------------------------------


def test_directory_expands_to_sorted_supported_files(tmp_path: Path) -> None:
    for name in ["b.txt", "a/z.md", "a/deep/er/c.html", "a/y.jsonl", "d.csv", "skip.pdf", ".hidden.txt", ".git/x.txt"]:
        write(tmp_path / name, "x")
    expected = [tmp_path / name for name in ["a/deep/er/c.html", "a/y.jsonl", "a/z.md", "b.txt", "d.csv"]]
    assert iter_input_files([tmp_path]) == expected
    assert iter_input_files([tmp_path / "b.txt", tmp_path, tmp_path / "a" / ".." / "b.txt"]) == expected


def test_missing_input_path_is_named(tmp_path: Path) -> None:
    with pytest.raises(FormatError, match="does not exist") as caught:
        iter_input_files([tmp_path / "nowhere"])
    assert caught.value.file == str(tmp_path / "nowhere")


def test_explicit_unsupported_file_is_refused(tmp_path: Path) -> None:
    with pytest.raises(FormatError, match="unsupported file suffix '.pdf'"):
        iter_input_files([write(tmp_path / "x.pdf", "x")])


# --- the real sources -----------------------------------------------------------------------------


@pytest.mark.skipif(not (SOURCES / "wikinews").is_dir(), reason="shared sources not present")
def test_every_wikinews_text_reads() -> None:
    paths = [path for path in iter_input_files([SOURCES / "wikinews"]) if path.suffix == ".txt"]
    assert len(paths) > 200
    for path in paths:
        [article] = read_articles(path)
        assert article.text.strip() and article.meta == {"path": str(path), "format": "txt"}
