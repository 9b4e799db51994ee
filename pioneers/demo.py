"""Fictional demo data for the WijkBV programme: a cohort 2024–2026 with five pioneers, their
support plans, milestones, log and three years of quarterly mengpaneel readings; experts; and a
new cohort that is open for applications, with two applications under review.

Runs after enterprises/demo.py (it picks five of its published enterprises by slug).
Deterministic (a fixed random seed) and idempotent (keyed by the cohort's slug)."""

from __future__ import annotations

import random
from datetime import date, datetime, timedelta

from django.db.models import Q
from django.utils import timezone

from accounts.models import User
from enterprises.models import Enterprise, EnterpriseStatus

from . import caches
from .models import (
    ANSWER_FIELDS,
    Application,
    ApplicationStatus,
    Area,
    Availability,
    Cohort,
    Criterion,
    Element,
    Expert,
    FlywheelType,
    Lesson,
    LogEntry,
    LogKind,
    Milestone,
    MilestoneStatus,
    Pioneer,
    Reading,
    ReadingValue,
    ReviewScore,
    SupportItem,
    SupportStatus,
    Visibility,
)

COHORT_SLUG = "wijkbv-2024-2026"
NEXT_COHORT_SLUG = "wijkbv-2027-2029"
STAFF_EMAIL = "medewerker@example.org"

# slug of the enterprise, kind of flywheel, ambition, flywheel plan, where the faders start
PIONEERS = [
    (
        "bewonersbedrijf-de-groene-schakel",
        FlywheelType.BUY_BUILDING,
        "Over drie jaar is het oude badhuis van de bewoners: een plek voor werk, ontmoeting en "
        "kleine ondernemers uit de buurt, die zichzelf bedruipt.",
        "We kopen het badhuis met een sociale hypotheek en obligaties voor buren. De huur van "
        "werkplekken betaalt de lening af; de winst gaat naar het buurtfonds.",
        35,
    ),
    (
        "energiecooperatie-de-vlasbloem",
        FlywheelType.ENERGY,
        "De helft van de huishoudens in Noordwijk wekt samen stroom op en bespaart; de opbrengst "
        "blijft in de wijk.",
        "Een coöperatie met zonnedaken op scholen en bedrijfspanden, en energiecoaches uit de wijk "
        "die buren helpen besparen.",
        45,
    ),
    (
        "buurthuis-het-ambachtshuis",
        FlywheelType.OTHER,
        "Een leerwerkbedrijf in ambachten dat elk jaar twintig buren naar werk begeleidt.",
        "Een reparatiewerkplaats en houtwerkplaats die opdrachten doet voor de corporatie en "
        "bewoners; de omzet betaalt de begeleiders.",
        30,
    ),
    (
        "bewonersbedrijf-de-zonnewijzer",
        FlywheelType.CONTRACT,
        "Bewoners organiseren zelf de zorg en ondersteuning voor ouderen in de Schildersbuurt.",
        "Een meerjarig contract met de gemeente voor dagbesteding en boodschappenhulp, gewonnen "
        "via maatschappelijk aanbesteden.",
        40,
    ),
    (
        "bewonersbedrijf-het-waterfront",
        FlywheelType.CONTRACT,
        "Het groen en de openbare ruimte in De Hoven worden door en voor bewoners onderhouden.",
        "Een Right to Challenge voor het groenonderhoud, met een ploeg van buren die daarvoor "
        "betaald worden.",
        25,
    ),
]

EXPERTS = [
    ("Marloes Brink", "Brink Vastgoedadvies", ["vastgoed", "financiering"], Availability.LIMITED),
    ("Youssef Benali", "Stichting Wijkkracht", ["community-building"], Availability.AVAILABLE),
    (
        "Hanneke Veldman",
        "Veldman Mediation",
        ["mediation", "onderhandelen"],
        Availability.AVAILABLE,
    ),
    ("Pieter Dijkstra", "Dijkstra Juridisch Advies", ["juridisch"], Availability.AVAILABLE),
    ("Ingrid Molenaar", "Zorgnetwerk Oost", ["zorg"], Availability.LIMITED),
    ("Sven de Groot", "Energiewerkplaats", ["energie", "financiering"], Availability.AVAILABLE),
    ("Noor Hendriks", "Buurtfinanciering BV", ["financiering"], Availability.UNAVAILABLE),
    ("Bram Kuipers", "Kuipers Onderhandelt", ["onderhandelen", "vastgoed"], Availability.AVAILABLE),
]

MILESTONES = {
    FlywheelType.BUY_BUILDING: [
        "Haalbaarheidsstudie van het gebouw klaar",
        "Taxatie en bouwkundige keuring gedaan",
        "Bod uitgebracht en onderhandeling afgerond",
        "Financiering rond (sociale hypotheek en obligaties)",
        "Koopakte getekend",
        "Eerste huurders in het gebouw",
        "Exploitatie sluit een jaar rond",
    ],
    FlywheelType.ENERGY: [
        "Coöperatie opgericht met honderd leden",
        "Eerste drie daken vastgelegd",
        "Subsidie en lening voor panelen rond",
        "Eerste dak levert stroom",
        "Tien energiecoaches opgeleid",
        "Vijfhonderd huishoudens bezocht",
        "Ledenvergadering besluit over de winst",
    ],
    FlywheelType.CONTRACT: [
        "Gesprek met de gemeente over uitdagingsrecht",
        "Plan van aanpak en begroting ingediend",
        "Proefjaar gestart",
        "Evaluatie van het proefjaar positief",
        "Meerjarig contract getekend",
        "Vaste ploeg van buren in dienst",
        "Tweede opdrachtgever gevonden",
    ],
    FlywheelType.OTHER: [
        "Werkplaats ingericht",
        "Afspraken met de corporatie over opdrachten",
        "Eerste tien deelnemers gestart",
        "Begeleiders betaald uit eigen omzet",
        "Tweede werkplaats geopend",
        "Twintig buren per jaar naar werk",
    ],
}

MEETINGS = [
    "Voortgangsgesprek met het bestuur: de planning ligt op koers, de volgende stap is besproken.",
    "Overleg met de gemeente en de corporatie; er is ruimte om de afspraken vast te leggen.",
    "Werksessie met de expert over de begroting en de risico's van het plan.",
    "Kwartaalgesprek: het mengpaneel samen doorgelopen en de schuifjes besproken.",
]
INTERVIEWS = [
    "Interview met twee vrijwilligers over wat het initiatief voor hen betekent.",
    "Interview met de voorzitter voor de casusbeschrijving: hoe het bestuur besluiten neemt.",
]
NOTES_INTERNAL = [
    "Let op: de penningmeester stopt volgend jaar, opvolging is nog niet geregeld.",
    "Spanning in het bestuur over de snelheid van het plan; mediation aangeboden.",
    "De gemeente twijfelt over het budget; contact houden met de wethouder.",
]
NOTES_SHARED = [
    "Afspraak: het concept van de begroting komt voor het volgende overleg.",
    "Verslag van de bijeenkomst met andere pioniers gedeeld.",
]
LESSONS = [
    (
        "Begin met de exploitatie, niet met het gebouw",
        "Een gebouw kopen lukt pas als duidelijk is wie er huurt en wat dat oplevert. Wie eerst "
        "de huurders vindt, heeft een sterker verhaal bij de bank en bij buren die willen "
        "investeren.",
    ),
    (
        "Maak het bestuur breder voordat het plan groter wordt",
        "Een groot plan leunt snel op twee of drie mensen. Nieuwe bestuursleden werven kost tijd; "
        "begin daar in het eerste jaar mee.",
    ),
]


def _quarters(start: date, end: date) -> list[date]:
    days, current = [], start
    while current <= end:
        days.append(current)
        month = current.month + 3
        current = current.replace(year=current.year + (month - 1) // 12, month=(month - 1) % 12 + 1)
    return days


def _step(rng: random.Random, position: int) -> int:
    return max(0, min(100, position + rng.choice([-10, -5, 0, 0, 5, 5, 10])))


def seed(log) -> None:
    if Cohort.objects.filter(slug=COHORT_SLUG).exists():
        return
    rng = random.Random(2024)  # noqa: S311 - demo data, not secrets; fixed seed, same every run
    today = timezone.localdate()
    staff = User.objects.filter(email=STAFF_EMAIL).first()
    areas = {area.slug: area for area in Area.objects.all()}
    cohort = Cohort.objects.create(
        name="WijkBV 2024–2026",
        slug=COHORT_SLUG,
        period_start=date(2024, 1, 15),
        period_end=date(2026, 12, 31),
        applications_open=date(2023, 9, 1),
        applications_close=date(2023, 11, 15),
        places=5,
        description=(
            "De eerste groep pioniers: vijf bewonersbedrijven die in drie jaar een economische "
            "basis bouwen voor hun wijk."
        ),
    )
    Cohort.objects.create(
        name="WijkBV 2027–2029",
        slug=NEXT_COHORT_SLUG,
        period_start=date(2027, 3, 1),
        period_end=date(2030, 2, 28),
        applications_open=date(2026, 9, 1),
        applications_close=date(2027, 1, 31),
        places=5,
        description=(
            "Voor de tweede groep zoeken we bewonersbedrijven die eigenaarschap en zeggenschap "
            "in hun wijk willen vergroten. Aanmelden kan tot eind januari 2027."
        ),
    )
    experts = []
    for name, organisation, area_slugs, availability in EXPERTS:
        expert = Expert.objects.create(
            name=name,
            organisation=organisation,
            email=f"{name.split()[0].lower()}@example.org",
            availability=availability,
        )
        expert.areas.set([areas[slug] for slug in area_slugs if slug in areas])
        experts.append(expert)
    catalogue = list(Element.objects.filter(pioneer__isnull=True, active=True))
    enterprises = {
        e.slug: e
        for e in Enterprise.objects.filter(
            slug__in=[row[0] for row in PIONEERS], status=EnterpriseStatus.PUBLISHED
        )
    }
    reading_days = _quarters(cohort.period_start, min(today, cohort.period_end))
    created = 0
    for index, (slug, flywheel, ambition, plan, start) in enumerate(PIONEERS):
        enterprise = enterprises.get(slug)
        if enterprise is None:
            continue
        application = Application.objects.create(
            cohort=cohort,
            enterprise=enterprise,
            status=ApplicationStatus.SELECTED,
            flywheel_type=flywheel,
            willing_to_help=True,
            contact_name="Contactpersoon van het bestuur",
            contact_email=f"bestuur{index}@example.org",
            submitted_at=timezone.make_aware(datetime(2023, 11, 1 + index)),
            decided_at=timezone.make_aware(datetime(2023, 12, 15)),
            decided_by=staff,
            answer_ambition=ambition,
            answer_flywheel=plan,
            **{
                field: "Zie ons plan: bewoners zijn eigenaar en beslissen mee."
                for criterion, field in ANSWER_FIELDS.items()
                if criterion not in (Criterion.AMBITION, Criterion.FLYWHEEL)
            },
        )
        pioneer = Pioneer.objects.create(
            enterprise=enterprise,
            cohort=cohort,
            application=application,
            slug=enterprise.slug,
            started_on=cohort.period_start,
            ambition=ambition,
            flywheel_type=flywheel,
            flywheel_plan=plan,
            show_on_programme_page=index != 4,
            show_ambition_publicly=index in (0, 1, 3),
        )
        extra = None
        if flywheel == FlywheelType.ENERGY:
            extra = Element.objects.create(
                pioneer=pioneer,
                name="Ledenbetrokkenheid",
                slug="ledenbetrokkenheid",
                low_meaning="Leden betalen alleen contributie",
                high_meaning="Leden denken en werken actief mee",
                order=200,
            )
        _support_plan(rng, pioneer, areas, experts)
        _milestones(rng, pioneer, flywheel, today)
        _log(rng, pioneer, reading_days, staff)
        _readings(
            rng, pioneer, [*catalogue, *([extra] if extra else [])], reading_days, start, staff
        )
        for number, (title, text) in enumerate(LESSONS[: 1 + index % 2]):
            published = number == 0 and index < 3
            Lesson.objects.create(
                pioneer=pioneer,
                title=title,
                text=text,
                published=published,
                published_at=timezone.make_aware(datetime(2025, 6, 1 + index))
                if published
                else None,
                created_by=staff,
            )
        created += 1
    _applications_for_next_cohort(staff)
    caches.programme_changed()  # log entries, readings and scores were written in bulk
    log(f"WijkBV: a cohort with {created} demo pioneers, {len(experts)} experts")


def _support_plan(rng, pioneer, areas, experts) -> None:
    wanted = {
        FlywheelType.BUY_BUILDING: ["vastgoed", "financiering", "onderhandelen", "juridisch"],
        FlywheelType.ENERGY: ["energie", "financiering", "community-building"],
        FlywheelType.CONTRACT: ["onderhandelen", "juridisch", "zorg", "community-building"],
        FlywheelType.OTHER: ["community-building", "financiering", "mediation"],
    }[pioneer.flywheel_type]
    for slug in wanted:
        area = areas.get(slug)
        if area is None:
            continue
        candidates = [e for e in experts if area in e.areas.all()]
        planned = rng.choice([16, 24, 40, 60])
        SupportItem.objects.create(
            pioneer=pioneer,
            area=area,
            description=f"Ondersteuning bij {area.name.lower()}",
            expert=rng.choice(candidates) if candidates else None,
            hours_planned=planned,
            hours_spent=planned + rng.choice([-12, -8, 0, 0, 6]),
            status=rng.choice([SupportStatus.DONE, SupportStatus.IN_PROGRESS]),
        )


def _milestones(rng, pioneer, flywheel, today: date) -> None:
    titles = MILESTONES[flywheel]
    span = (pioneer.cohort.period_end - pioneer.cohort.period_start).days
    for number, title in enumerate(titles):
        due = pioneer.cohort.period_start + timedelta(days=span * (number + 1) // (len(titles) + 1))
        if due < today - timedelta(days=60):
            status = rng.choice(
                [MilestoneStatus.ACHIEVED] * 4 + [MilestoneStatus.DELAYED, MilestoneStatus.DROPPED]
            )
        elif due < today:
            status = rng.choice([MilestoneStatus.ACHIEVED, MilestoneStatus.IN_PROGRESS])
        else:
            status = MilestoneStatus.PLANNED
        achieved = status == MilestoneStatus.ACHIEVED
        Milestone.objects.create(
            pioneer=pioneer,
            title=title,
            due_date=due,
            status=status,
            achieved_on=due + timedelta(days=rng.randint(-20, 30)) if achieved else None,
            evidence="Verslag en besluit staan in de map van het programma." if achieved else "",
        )


def _log(rng, pioneer, days: list[date], staff) -> None:
    entries = []
    for number, day in enumerate(days):
        entries.append(
            LogEntry(
                pioneer=pioneer,
                kind=LogKind.MEETING,
                date=day + timedelta(days=rng.randint(0, 10)),
                text=rng.choice(MEETINGS),
                visibility=Visibility.SHARED,
                author=staff,
            )
        )
        if number % 2:
            entries.append(
                LogEntry(
                    pioneer=pioneer,
                    kind=LogKind.INTERVIEW,
                    date=day + timedelta(days=rng.randint(20, 40)),
                    text=rng.choice(INTERVIEWS),
                    visibility=Visibility.SHARED,
                    author=staff,
                )
            )
        internal = rng.random() < 0.5
        entries.append(
            LogEntry(
                pioneer=pioneer,
                kind=LogKind.NOTE,
                date=day + timedelta(days=rng.randint(40, 60)),
                text=rng.choice(NOTES_INTERNAL if internal else NOTES_SHARED),
                visibility=Visibility.INTERNAL if internal else Visibility.SHARED,
                author=staff,
            )
        )
    today = timezone.localdate()
    LogEntry.objects.bulk_create([entry for entry in entries if entry.date <= today])


def _readings(rng, pioneer, elements, days: list[date], start: int, staff) -> None:
    positions = {element.pk: max(0, min(100, start + rng.randint(-15, 15))) for element in elements}
    for number, day in enumerate(days):
        if number:
            positions = {pk: _step(rng, value) for pk, value in positions.items()}
        reading = Reading.objects.create(
            pioneer=pioneer,
            taken_on=day,
            taken_by=staff,
            note="Eerste stand bij de start van het programma." if number == 0 else "",
        )
        ReadingValue.objects.bulk_create(
            [
                ReadingValue(reading=reading, element_id=pk, position=value)
                for pk, value in positions.items()
            ]
        )


def _applications_for_next_cohort(staff) -> None:
    cohort = Cohort.objects.get(slug=NEXT_COHORT_SLUG)
    candidates = Enterprise.objects.filter(
        Q(slug="bewonersbedrijf-klein-geluk") | Q(slug="wijkonderneming-de-linde"),
        status=EnterpriseStatus.PUBLISHED,
    )
    for number, enterprise in enumerate(candidates):
        application = Application.objects.create(
            cohort=cohort,
            enterprise=enterprise,
            status=ApplicationStatus.SUBMITTED,
            submitted_at=timezone.now() - timedelta(days=10 - number),
            flywheel_type=[FlywheelType.BUY_BUILDING, FlywheelType.ENERGY][number % 2],
            willing_to_help=True,
            contact_name="Secretaris van het bestuur",
            contact_email=f"secretaris{number}@example.org",
            **dict.fromkeys(
                ANSWER_FIELDS.values(), "Ons antwoord staat in het plan dat we hebben bijgevoegd."
            ),
        )
        if staff and number == 0:
            ReviewScore.objects.bulk_create(
                [
                    ReviewScore(
                        application=application,
                        reviewer=staff,
                        criterion=criterion,
                        score=3 + (index % 3),
                        comment="Sterk punt." if index % 2 else "",
                    )
                    for index, criterion in enumerate(Criterion)
                ]
            )
