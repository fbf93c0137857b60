"""The Label Studio labeling config: derived from the schema, valid for Label Studio, checked in fresh."""

from __future__ import annotations

import xml.etree.ElementTree as ET

from label_studio_sdk.label_interface import LabelInterface

from newsevents.annotation.label_config import MENTION, TRIGGER, colour, label_config
from newsevents.paths import REPO_ROOT


def test_checked_in_config_is_up_to_date(schema):
    checked_in = (REPO_ROOT / "annotation" / "label_config.xml").read_text(encoding="utf-8")
    assert checked_in == label_config(schema), "annotation/label_config.xml is stale: run `newsevents annotate config`"


def test_label_studio_accepts_it(schema):
    interface = LabelInterface(label_config(schema))
    interface.validate()  # raises on schema, naming or toName errors
    assert {c.name for c in interface.controls} >= {TRIGGER, MENTION, "realis", "hopper", "cluster"}


def test_every_type_role_and_realis_is_in_it(schema):
    root = ET.fromstring(label_config(schema))
    labels = {c.get("name"): [l.get("value") for l in c.findall("Label")] for c in root.findall("Labels")}
    assert labels[TRIGGER] == list(schema.event_type_names)
    assert labels[MENTION] == list(schema.mention_type_names)
    assert [r.get("value") for r in root.find("Relations")] == list(schema.role_names)
    assert [c.get("value") for c in root.find("Choices[@name='realis']")] == list(schema.realis)
    hotkeys = [l.get("hotkey") for l in root.iter("Label") if l.get("hotkey")]
    assert len(hotkeys) == len(set(hotkeys)), "hotkeys must be unique"


def test_colours_are_stable_per_type():
    assert colour("Conflict.Attack") == colour("Conflict.Attack")
    assert colour("Conflict.Attack") != colour("Life.Die")
    assert colour("Conflict.Attack").startswith("#") and len(colour("Conflict.Attack")) == 7
