"""The reference tables every installation has: Dutch municipalities (CBS list, 1 January 2026)
and the themes. Loaded by migration 0002; idempotent, so tests that empty the database can load
them again. Works with the migration's historical models, so it only uses plain fields."""

from __future__ import annotations

import csv
from pathlib import Path

from django.utils.text import slugify

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


def load(municipality_model, theme_model) -> None:
    """Create or update every municipality and theme (safe to run again)."""
    with (DATA / "municipalities.csv").open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            municipality_model.objects.update_or_create(
                cbs_code=row["cbs_code"],
                defaults={
                    "name": row["name"],
                    "slug": slugify(row["name"]),
                    "province": PROVINCES[row["province"]],
                },
            )
    for position, (slug, name, name_en) in enumerate(THEMES):
        theme_model.objects.update_or_create(
            slug=slug, defaults={"name": name, "name_en": name_en, "position": position}
        )
