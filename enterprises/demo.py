"""Fictional demo enterprises: a realistic spread over the country, kinds and themes, with several
years of figures. Deterministic (a fixed random seed) and idempotent (keyed by slug)."""

from __future__ import annotations

import random
from datetime import timedelta

from django.utils import timezone
from django.utils.text import slugify

from accounts.models import User

from . import caches
from .models import (
    Asset,
    AssetKind,
    Enterprise,
    EnterpriseKind,
    EnterpriseStatus,
    GroundTenure,
    LegalForm,
    Membership,
    MembershipRole,
    Municipality,
    Tenure,
    Theme,
    YearFigures,
)

PREFIXES = {
    EnterpriseKind.BEWONERSBEDRIJF: "BewonersBedrijf",
    EnterpriseKind.WIJKONDERNEMING: "Wijkonderneming",
    EnterpriseKind.DORPSCOOPERATIE: "Dorpscoöperatie",
    EnterpriseKind.SOCIALE_COOPERATIE: "Sociale coöperatie",
    EnterpriseKind.ENERGIECOOPERATIE: "Energiecoöperatie",
    EnterpriseKind.BUURTHUIS: "Buurthuis",
    EnterpriseKind.OTHER: "Buurtinitiatief",
}
NAMES = [
    "De Groene Schakel",
    "Het Wijkhart",
    "De Buurtkracht",
    "Samen Sterk",
    "De Vlasbloem",
    "Het Ambachtshuis",
    "De Zonnewijzer",
    "Klein Geluk",
    "De Linde",
    "Het Waterfront",
    "De Stroomversnelling",
    "Oost Onderneemt",
    "Het Kruispunt",
    "De Boomgaard",
    "De Molenwiek",
    "Zuid Werkt",
    "Het Pakhuis",
    "De Kade",
    "De Nieuwe Akker",
    "Het Buurtkantoor",
    "De Spil",
    "Het Erf",
    "De Hoeksteen",
    "Bloeiend Noord",
    "De Schakelkast",
    "Het Trefpunt",
    "De Wijkwerf",
    "Het Gildehuis",
    "De Dorpsput",
    "Het Ketelhuis",
    "De Brug",
    "Het Groene Plein",
    "De Werkplaats",
    "De Haven",
    "De Kern",
    "Het Voorhuis",
    "De Buurtmoestuin",
    "Het Atelier",
    "De Lichtmast",
    "De Ontmoeting",
]
MUNICIPALITIES = [
    "GM0363",
    "GM0518",
    "GM0599",
    "GM0344",
    "GM0014",
    "GM0080",
    "GM0153",
    "GM0202",
    "GM0772",
    "GM0855",
    "GM0935",
    "GM0193",
    "GM0034",
    "GM0687",
    "GM0268",
    "GM0758",
    "GM0796",
    "GM0106",
]
NEIGHBOURHOODS = [
    "Oosterpark",
    "De Componistenbuurt",
    "Het Lint",
    "Kerkbuurt",
    "Noordwijk",
    "De Vogelwijk",
    "Schildersbuurt",
    "Het Dorp",
    "Molenwijk",
    "De Hoven",
    "Bloemenbuurt",
    "Stationskwartier",
]
PITCHES = [
    "Bewoners runnen samen het buurthuis en verhuren ruimtes aan clubs en ondernemers uit de wijk.",
    "Wij onderhouden het groen in de wijk in opdracht van de gemeente, met buren die werk zoeken.",
    "Met zonnepanelen op daken in het dorp wekken we samen energie op; de opbrengst blijft hier.",
    "Een buurtkeuken en maaltijdservice voor ouderen, met vrijwilligers en leerwerkplekken.",
    "We kochten het oude schoolgebouw en maken er een plek voor werk, zorg en ontmoeting van.",
    "Klussen, fietsenmaken en kleine reparaties voor buren, met mensen die weer aan het werk gaan.",
]
MISSION = (
    "Wij geloven dat bewoners zelf het beste weten wat hun buurt nodig heeft. Daarom bouwen we "
    "een onderneming die van de buurt is: we verdienen ons eigen geld en de winst gaat terug naar "
    "de wijk.\n\nWe werken samen met de gemeente, de woningcorporatie en ondernemers uit de buurt, "
    "maar de zeggenschap ligt bij de bewoners."
)
BUILDINGS = [
    "Het oude schoolgebouw",
    "De voormalige bibliotheek",
    "Buurthuis aan het plein",
    "De kerkzaal",
]

DEMO_RESIDENT = "bewoner@example.org"


def _figures(rng: random.Random, enterprise: Enterprise, year: int, scale: int) -> YearFigures:
    def amount(low, high):
        return int(rng.uniform(low, high) * scale) // 100 * 100

    return YearFigures(
        enterprise=enterprise,
        year=year,
        income_sales=amount(0.05, 0.45),
        income_rent=amount(0.0, 0.35),
        income_contributions=amount(0.0, 0.08),
        income_public_contracts=amount(0.0, 0.30),
        income_subsidies=amount(0.05, 0.40),
        income_funds=amount(0.0, 0.15),
        income_donations=amount(0.0, 0.05),
        income_loans=amount(0.0, 0.05) if rng.random() < 0.3 else 0,
        expenses=amount(0.7, 1.1),
        paid_staff_fte=round(rng.uniform(0, 6) * scale / 250_000, 1),
        volunteers=rng.randint(5, 120),
        people_from_benefits=rng.randint(0, 15),
        residents_reached=rng.randint(100, 5000),
    )


def seed(log) -> None:
    rng = random.Random(2019)  # noqa: S311 - demo data, not secrets; fixed seed, same every run
    themes = list(Theme.objects.all())
    municipalities = {
        m.cbs_code: m for m in Municipality.objects.filter(cbs_code__in=MUNICIPALITIES)
    }
    resident = User.objects.filter(email=DEMO_RESIDENT).first()
    now = timezone.now()
    kinds = list(EnterpriseKind)
    created = 0
    for index, base_name in enumerate(NAMES):
        kind = kinds[index % len(kinds)] if index % 3 else EnterpriseKind.BEWONERSBEDRIJF
        name = f"{PREFIXES[kind]} {base_name}"
        slug = slugify(name)
        if Enterprise.objects.filter(slug=slug).exists():
            continue
        status = EnterpriseStatus.PUBLISHED
        if index == 1:
            status = EnterpriseStatus.CONCEPT
        elif index in (2, 3):
            status = EnterpriseStatus.SUBMITTED
        enterprise = Enterprise.objects.create(
            name=name,
            slug=slug,
            kind=kind,
            legal_form=[LegalForm.STICHTING, LegalForm.VERENIGING, LegalForm.COOPERATIE][index % 3],
            kvk_number=f"{90000000 + index * 7919:08d}",
            founded_year=2008 + index % 14,
            municipality=municipalities[MUNICIPALITIES[index % len(MUNICIPALITIES)]],
            neighbourhood=NEIGHBOURHOODS[index % len(NEIGHBOURHOODS)],
            postcode=f"{1000 + index * 211} {chr(65 + index % 26)}{chr(66 + index % 24)}",
            pitch=PITCHES[index % len(PITCHES)],
            mission=MISSION,
            status=status,
            submitted_at=now - timedelta(days=40 - index)
            if status != EnterpriseStatus.CONCEPT
            else None,
            published_at=now - timedelta(days=30 - index % 30)
            if status == EnterpriseStatus.PUBLISHED
            else None,
        )
        enterprise.themes.set(rng.sample(themes, k=rng.randint(1, 3)))
        if rng.random() < 0.6:
            tenure = rng.choice([Tenure.OWNERSHIP, Tenure.RENT, Tenure.MANAGEMENT])
            Asset.objects.create(
                enterprise=enterprise,
                kind=AssetKind.BUILDING,
                name=rng.choice(BUILDINGS),
                tenure=tenure,
                ground_tenure=rng.choice([GroundTenure.OWNERSHIP, GroundTenure.LEASEHOLD])
                if tenure == Tenure.OWNERSHIP
                else "",
                size_m2=rng.randint(150, 2400),
                since_year=enterprise.founded_year + rng.randint(0, 5),
            )
        if rng.random() < 0.25:
            Asset.objects.create(
                enterprise=enterprise,
                kind=AssetKind.LAND,
                name="Buurttuin",
                ground_tenure=GroundTenure.MANAGEMENT,
                size_m2=rng.randint(300, 5000),
            )
        scale = rng.choice([60_000, 150_000, 400_000, 900_000])
        YearFigures.objects.bulk_create(
            [_figures(rng, enterprise, year, scale) for year in range(2021, 2025) if index != 1]
        )
        if resident and index in (0, 1):
            Membership.objects.create(
                enterprise=enterprise, user=resident, role=MembershipRole.OWNER
            )
        created += 1
    if created:
        caches.directory_changed()  # the figures were written in bulk, without post_save
        log(f"{created} demo enterprises")
