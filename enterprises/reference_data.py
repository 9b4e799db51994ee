"""The reference tables every installation has: Dutch municipalities (CBS list, 1 January 2026)
and the themes. Loaded by migration 0002; idempotent, so tests that empty the database can load
them again. Works with the migration's historical models, so it only uses plain fields."""

from __future__ import annotations

import csv
from pathlib import Path

from django.utils.text import slugify

from .names import municipality_search_names

DATA = Path(__file__).resolve().parent / "data"

PROVINCES = {
    "Groningen": "groningen",
    "Fryslân": "fryslan",
    "Drenthe": "drenthe",
    "Overijssel": "overijssel",
    "Flevoland": "flevoland",
    "Gelderland": "gelderland",
    "Utrecht": "utrecht",
    "Noord-Holland": "noord-holland",
    "Zuid-Holland": "zuid-holland",
    "Zeeland": "zeeland",
    "Noord-Brabant": "noord-brabant",
    "Limburg": "limburg",
}

THEMES = [
    ("energie", "Energie", "Energy"),
    ("zorg-en-welzijn", "Zorg en welzijn", "Care and welfare"),
    ("groen", "Groen en openbare ruimte", "Green and public space"),
    ("vastgoed", "Vastgoed", "Real estate"),
    ("werk-en-participatie", "Werk en participatie", "Work and participation"),
    ("voedsel", "Voedsel", "Food"),
    ("mobiliteit", "Mobiliteit", "Mobility"),
    ("wonen", "Wonen", "Housing"),
    ("ontmoeting", "Ontmoeting", "Meeting place"),
    ("cultuur", "Cultuur", "Culture"),
    ("jeugd", "Jeugd", "Youth"),
    ("armoede-en-schulden", "Armoede en schulden", "Poverty and debt"),
]


def other_names() -> dict[str, str]:
    """The names people use besides the official one, by CBS code ('Den Haag' for GM0518)."""
    with (DATA / "municipality_names.csv").open(encoding="utf-8") as handle:
        return {row["cbs_code"]: row["other_names"] for row in csv.DictReader(handle)}


def load(municipality_model, theme_model) -> None:
    """Create or update every municipality and theme (safe to run again)."""
    names = other_names()
    # Migration 0002 runs this with a model from before the other names existed.
    has_other_names = any(f.name == "other_names" for f in municipality_model._meta.get_fields())
    with (DATA / "municipalities.csv").open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            defaults = {
                "name": row["name"],
                "slug": slugify(row["name"]),
                "province": PROVINCES[row["province"]],
            }
            if has_other_names:
                others = names.get(row["cbs_code"], "")
                defaults["other_names"] = others
                # Historical models in migrations have no save() of their own: set it here.
                defaults["search_names"] = municipality_search_names(row["name"], others)
            municipality_model.objects.update_or_create(cbs_code=row["cbs_code"], defaults=defaults)
    for position, (slug, name, name_en) in enumerate(THEMES):
        theme_model.objects.update_or_create(
            slug=slug, defaults={"name": name, "name_en": name_en, "position": position}
        )
