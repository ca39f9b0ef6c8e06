"""Test helpers: a rules file of chosen entries, categories with the slugs rules name."""

from __future__ import annotations

import json
from pathlib import Path

from comptoir.catalog.services import category_create
from comptoir.compliance.services import compliance_rules_load

KNIVES_GB = {
    "code": "gb_bladed_items",
    "title": "No bladed items to UK homes",
    "requirement": "prohibited",
    "countries": ["GB"],
    "categories": ["knives"],
    "effective_from": "2019-05-16",
    "source": "Offensive Weapons Act 2019",
}
LUCID_DE = {
    "code": "de_lucid_packaging",
    "title": "LUCID",
    "requirement": "registration",
    "scheme": "de_lucid",
    "countries": ["DE"],
    "categories": [],
    "effective_from": "2022-07-01",
    "source": "VerpackG",
}
RESPONSIBLE_EU = {
    "code": "eu_gpsr_responsible_person",
    "title": "GPSR responsible person",
    "requirement": "responsible_person",
    "countries": ["EU"],
    "effective_from": "2024-12-13",
    "source": "GPSR Art. 16",
}


def rules_file(directory: Path, *entries: dict) -> Path:
    path = directory / "rules.json"
    path.write_text(json.dumps({"version": "test", "rules": list(entries)}), encoding="utf-8")
    return path


def load_rules(directory: Path, *entries: dict):
    return compliance_rules_load(path=rules_file(directory, *entries))


def slug_category(slug: str, parent=None):
    return category_create(name_en=slug.title(), name_fr=slug.title(), slug=slug, parent=parent)


MANUFACTURER_EU = {
    "code": "eu_gpsr_manufacturer",
    "title": "GPSR manufacturer",
    "requirement": "manufacturer",
    "countries": ["EU"],
    "effective_from": "2024-12-13",
    "source": "GPSR Art. 19",
}
