"""Croissant (MLCommons) metadata of a dataset folder: ``croissant.json`` beside the card.

:func:`croissant_metadata` describes the folder as Croissant 1.0 JSON-LD: the dataset (name,
description, licences, version, citation), one ``cr:FileSet`` of Parquet files per config (each
file also a ``cr:FileObject`` with its sha256), and one ``cr:RecordSet`` per config whose fields
come from the very ``datasets.Features`` the build writes (:mod:`newsevents.features`), so the two
cannot disagree. Nested lists of structs are repeated fields with sub-fields; ``ClassLabel`` columns
are integers whose names are listed in the field's description.

The Hugging Face Hub and dataset search engines read this file; ``mlcroissant`` validates it
(``tests/test_publish.py``).
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

#: The JSON-LD context of Croissant 1.0 (as the spec and ``mlcroissant`` give it).
CONTEXT: dict[str, Any] = {
    "@language": "en",
    "@vocab": "https://schema.org/",
    "citeAs": "cr:citeAs",
    "column": "cr:column",
    "conformsTo": "dct:conformsTo",
    "cr": "http://mlcommons.org/croissant/",
    "rai": "http://mlcommons.org/croissant/RAI/",
    "data": {"@id": "cr:data", "@type": "@json"},
    "dataType": {"@id": "cr:dataType", "@type": "@vocab"},
    "dct": "http://purl.org/dc/terms/",
    "examples": {"@id": "cr:examples", "@type": "@json"},
    "extract": "cr:extract",
    "field": "cr:field",
    "fileProperty": "cr:fileProperty",
    "fileObject": "cr:fileObject",
    "fileSet": "cr:fileSet",
    "format": "cr:format",
    "includes": "cr:includes",
    "isLiveDataset": "cr:isLiveDataset",
    "jsonPath": "cr:jsonPath",
    "key": "cr:key",
    "md5": "cr:md5",
    "parentField": "cr:parentField",
    "path": "cr:path",
    "recordSet": "cr:recordSet",
    "references": "cr:references",
    "regex": "cr:regex",
    "repeated": "cr:repeated",
    "replace": "cr:replace",
    "samplingRate": "cr:samplingRate",
    "sc": "https://schema.org/",
    "separator": "cr:separator",
    "source": "cr:source",
    "subField": "cr:subField",
    "transform": "cr:transform",
}
CONFORMS_TO = "http://mlcommons.org/croissant/1.0"
#: The file name of the metadata in a dataset folder.
CROISSANT_FILE = "croissant.json"

_DTYPES = {
    "string": "sc:Text", "large_string": "sc:Text", "bool": "sc:Boolean",
    "int8": "sc:Integer", "int16": "sc:Integer", "int32": "sc:Integer", "int64": "sc:Integer",
    "float16": "sc:Float", "float32": "sc:Float", "float64": "sc:Float",
}


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _fields(feature: Any, prefix: str, source: dict[str, Any], column: str | None, path: tuple[str, ...]) -> dict[str, Any]:
    """One ``cr:Field`` for ``feature`` (a datasets feature type) at ``prefix``."""
    from datasets import ClassLabel, List, Value

    name = prefix.rsplit("/", 1)[-1]
    field: dict[str, Any] = {"@type": "cr:Field", "@id": prefix, "name": name}
    extract: dict[str, Any] = {"fileSet": source, "extract": {"column": column or name}}
    if path:
        extract["transform"] = {"jsonPath": ".".join(path)}
    repeated = False
    while isinstance(feature, List):
        repeated = True
        feature = feature.feature
    if isinstance(feature, dict):
        field["subField"] = [_fields(sub, f"{prefix}/{key}", source, column or name, (*path, key)) for key, sub in feature.items()]
    elif isinstance(feature, ClassLabel):
        field["dataType"] = "sc:Integer"
        field["description"] = "Class label index; names in order: " + ", ".join(feature.names)
        field["source"] = extract
    elif isinstance(feature, Value):
        field["dataType"] = _DTYPES.get(feature.dtype, "sc:Text")
        field["source"] = extract
    else:
        field["dataType"] = "sc:Text"
        field["source"] = extract
    if repeated:
        field["repeated"] = True
    return field


def croissant_metadata(
    folder: str | Path,
    features: Mapping[str, Any],
    data_files: Mapping[str, Mapping[str, str]],
    *,
    version: str,
    licenses: Sequence[str],
    description: str,
    citation: str,
    url: str = "https://huggingface.co/datasets/newsevents/newsevents",
) -> dict[str, Any]:
    """The Croissant JSON-LD of a dataset folder whose Parquet files are already written.

    Parameters
    ----------
    folder : path
        The dataset folder (the Parquet files are hashed).
    features : mapping
        ``{config: datasets.Features}``.
    data_files : mapping
        ``{config: {split: relative path}}``.
    version : str
        ``X.Y.Z``; another value (``"unreleased"``) is written as ``0.0.0``, which Croissant accepts.
    licenses : sequence of str
        Licence URLs or identifiers of the texts.
    """
    folder = Path(folder)
    distribution: list[dict[str, Any]] = []
    record_sets: list[dict[str, Any]] = []
    for config, splits in data_files.items():
        file_set = f"{config}-parquet"
        for split, relative in splits.items():
            distribution.append({
                "@type": "cr:FileObject", "@id": relative, "name": relative,
                "description": f"The {split} split of the {config} config.",
                "contentUrl": relative, "encodingFormat": "application/x-parquet",
                "sha256": _sha256(folder / relative),
            })
        distribution.append({
            "@type": "cr:FileSet", "@id": file_set, "name": file_set,
            "description": f"The Parquet files of the {config} config, one per split.",
            "encodingFormat": "application/x-parquet", "includes": f"{config}/*.parquet",
        })
        source = {"@id": file_set}
        record_sets.append({
            "@type": "cr:RecordSet", "@id": config, "name": config,
            "description": f"Rows of the {config} config (datasets.load_dataset(..., {config!r})).",
            "field": [_fields(feature, f"{config}/{column}", source, None, ()) for column, feature in features[config].items()],
        })
    numbered = version if version.count(".") == 2 and version.replace(".", "").isdigit() else "0.0.0"
    return {
        "@context": CONTEXT,
        "@type": "sc:Dataset",
        "name": "newsevents",
        "conformsTo": CONFORMS_TO,
        "description": description,
        "license": list(licenses),
        "url": url,
        "version": numbered,
        "citeAs": citation,
        "inLanguage": "en",
        "keywords": ["event extraction", "information extraction", "news", "political violence", "security"],
        "distribution": distribution,
        "recordSet": record_sets,
    }
