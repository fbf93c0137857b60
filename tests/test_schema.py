"""The ontology loads into typed objects; a malformed schema names the key that is wrong."""

from __future__ import annotations

import copy

import pytest
import yaml

from newsevents.ontology import load_schema, parse_schema
from newsevents.errors import SchemaError
from newsevents.paths import REPO_ROOT

RAW = yaml.safe_load((REPO_ROOT / "annotation" / "schema.yaml").read_text(encoding="utf-8"))


def test_the_ontology_has_the_design_types_and_mappings(schema):
    assert set(schema.mention_type_names) == {"PER", "ORG", "GPE", "LOC", "FAC", "VEH", "WEA", "TIME", "CRIME", "SENTENCE"}
    assert set(schema.realis) == {"actual", "generic", "other"}
    assert {"Conflict.Attack", "Life.Die", "Justice.Arrest", "Justice.Designate", "Contact.ClaimResponsibility",
            "Contact.Accuse", "Movement.Transport", "Conflict.Kidnap"} <= set(schema.event_type_names)
    attack = schema.event_type("Conflict.Attack")
    assert attack.role_names == ("Attacker", "Target", "Instrument", "Place", "Time")
    assert attack.mappings == {"ace2005": "Conflict:Attack", "kairos": "Conflict.Attack.Unspecified", "plover": "ASSAULT"}
    assert schema.event_type("Justice.Arrest").role("Place").entity_types == ("GPE", "LOC", "FAC")  # a common role
    claimed = schema.event_type("Contact.ClaimResponsibility").role("ClaimedEvent")
    assert claimed.event_valued and "Conflict.Attack" in claimed.event_types
    for event_type in schema.event_types:
        assert event_type.definition and event_type.triggers and set(event_type.mappings) == {"ace2005", "kairos", "plover"}


def test_unknown_names_suggest_the_closest(schema):
    with pytest.raises(KeyError, match="did you mean 'Justice.Arrest'"):
        schema.event_type("Justice.Arest")
    with pytest.raises(KeyError, match="did you mean 'Detainee'"):
        schema.event_type("Justice.Arrest").role("Detainee ")


def _broken(edit):
    data = copy.deepcopy(RAW)
    edit(data)
    return data


@pytest.mark.parametrize(("edit", "field", "words"), [
    (lambda d: d.pop("event_types"), "event_types", "missing top-level key"),
    (lambda d: d["event_types"]["Life.Die"].pop("definition"), "event_types.Life.Die.definition", "non-empty string"),
    (lambda d: d["event_types"]["Life.Die"]["roles"]["Victim"].update(entity_types=["PERSON"]),
     "event_types.Life.Die.roles.Victim.entity_types", "did you mean 'PER'"),
    (lambda d: d["event_types"]["Contact.Accuse"]["roles"]["Allegation"].update(event_types=["Conflict.Atack"]),
     "event_types.Contact.Accuse.roles.Allegation.event_types", "did you mean 'Conflict.Attack'"),
    (lambda d: d["event_types"]["Life.Die"]["roles"].update(Weather="common"), "event_types.Life.Die.roles.Weather", "common_roles has no 'Weather'"),
    (lambda d: d["event_types"]["Life.Die"]["roles"].update(Empty={"definition": "x"}), "event_types.Life.Die.roles.Empty", "at least one entity type"),
    (lambda d: d["event_types"]["Life.Die"].update(triggers="killed"), "event_types.Life.Die.triggers", "list of strings"),
    (lambda d: d.update(entity_types=["PER"]), "entity_types", "expected a mapping"),
])
def test_a_malformed_schema_names_the_key(edit, field, words):
    with pytest.raises(SchemaError) as info:
        parse_schema(_broken(edit), path="schema.yaml")
    assert info.value.field == field
    assert words in info.value.message
    assert str(info.value).startswith("schema.yaml")


def test_invalid_yaml_names_the_file(tmp_path):
    path = tmp_path / "schema.yaml"
    path.write_text("event_types: [unclosed\n", encoding="utf-8")
    with pytest.raises(SchemaError, match="not valid YAML") as info:
        load_schema(path)
    assert info.value.file == str(path.resolve())
