"""A real Label Studio server (one per session): our labeling config, emoji-laden tasks, two annotators."""

from __future__ import annotations

import socket
import uuid

import pytest
from label_studio_fixtures import label_studio  # noqa: F401  (the fixture, found by name)

from newsevents.annotation.label_config import MENTION, TEXT, TRIGGER, label_config
from newsevents.annotation.label_studio.server import LabelStudioServer, ServerSettings
from newsevents.ontology import load_schema
from newsevents.errors import NewsEventsError

#: Astral-plane emoji, ZWJ sequences, skin tones, flags, keycaps, combining marks, right-to-left text,
#: line and paragraph separators: everything that differs between code points, UTF-16 units and bytes.
EMOJI_TEXT = ("Police arrested two men in Kabul 🇦🇫 on Tuesday 👮🏽‍♀️👨‍👩‍👧‍👦 after the blast 💥🔥 "
              "killed 3️⃣ people.\nSources: «Reuters» — e\u0301 ﷽ مرحبا 🏳️‍🌈 𝔘𝔫𝔦𝔠𝔬𝔡𝔢 \u2028 end\u2029 🫠\r\n")


def _project(client, title_prefix: str):  # type: ignore[no-untyped-def]
    return client.projects.create(title=f"{title_prefix}-{uuid.uuid4().hex[:8]}", label_config=label_config(load_schema()))


def test_server_accepts_and_returns_our_labeling_config(label_studio):  # noqa: F811
    config = label_config(load_schema())
    project = _project(label_studio.client, "config")
    # Label Studio strips the config's trailing newline and changes nothing else.
    assert label_studio.client.projects.get(id=project.id).label_config == config.rstrip("\n")


def test_emoji_text_round_trips_byte_for_byte(label_studio):  # noqa: F811
    project = _project(label_studio.client, "emoji")
    label_studio.client.projects.import_tasks(id=project.id, request=[{"text": EMOJI_TEXT, "document_id": "emoji-1"}])
    (task,) = list(label_studio.client.tasks.list(project=project.id))
    assert task.data["text"].encode("utf-8") == EMOJI_TEXT.encode("utf-8")
    assert label_studio.client.tasks.get(id=task.id).data["text"] == EMOJI_TEXT


def test_second_user_annotates_as_themselves(label_studio):  # noqa: F811
    schema = load_schema()
    client = label_studio.client
    project = _project(client, "two-users")
    client.projects.import_tasks(id=project.id, request=[{"text": EMOJI_TEXT}])
    (task,) = list(client.tasks.list(project=project.id))
    start = EMOJI_TEXT.index("arrested")  # before any emoji: code points and UTF-16 units agree here
    region = {"start": start, "end": start + len("arrested"), "text": "arrested"}
    bob = label_studio.make_user("bob@example.com")
    bob_id = bob.users.whoami().id
    admin_id = client.users.whoami().id
    assert bob_id != admin_id
    assert label_studio.make_user("bob@example.com").users.whoami().id == bob_id  # asking again: same user

    result = [
        {"id": "t1", "from_name": TRIGGER, "to_name": TEXT, "type": "labels",
         "value": {**region, "labels": [schema.event_type_names[0]]}},
        {"id": "m1", "from_name": MENTION, "to_name": TEXT, "type": "labels",
         "value": {"start": 0, "end": 6, "text": "Police", "labels": [schema.mention_type_names[0]]}},
    ]
    created = bob.annotations.create(id=task.id, result=result)
    assert created.completed_by == bob_id
    mine = client.annotations.create(id=task.id, result=result[:1])
    assert mine.completed_by == admin_id

    annotations = {a.completed_by: a for a in client.annotations.list(id=task.id)}
    assert set(annotations) == {bob_id, admin_id}
    assert [r["value"] for r in annotations[bob_id].result] == [r["value"] for r in result]


# Without a server: where credentials come from, and a busy port refused before anything starts.

def test_settings_prefer_saved_credentials_then_environment_then_generated(tmp_path, monkeypatch):
    monkeypatch.setenv("LABEL_STUDIO_USER_TOKEN", "t" * 40)
    monkeypatch.delenv("LABEL_STUDIO_USERNAME", raising=False)
    monkeypatch.delenv("LABEL_STUDIO_PASSWORD", raising=False)
    first = ServerSettings(tmp_path)
    assert (first.username, first.token) == ("admin@example.com", "t" * 40)
    assert first.sources == {"username": "default", "password": "generated", "token": "$LABEL_STUDIO_USER_TOKEN"}
    first.save()
    assert oct(first.credentials_file.stat().st_mode & 0o777) == "0o600"
    monkeypatch.setenv("LABEL_STUDIO_USER_TOKEN", "u" * 40)  # too late: the database keeps the first token
    again = ServerSettings(tmp_path)
    assert (again.password, again.token) == (first.password, "t" * 40)
    assert again.sources["token"] == f"saved in {first.credentials_file}"
    assert "t" * 40 not in repr(again) and str(again.password) not in repr(again)


def test_busy_port_is_refused_before_starting(tmp_path):
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        server = LabelStudioServer(ServerSettings(tmp_path, port=port), executable=tmp_path / "never-run")
        with pytest.raises(NewsEventsError, match=f"port {port} on 127.0.0.1 is in use"):
            server.start()
    assert not server.running
