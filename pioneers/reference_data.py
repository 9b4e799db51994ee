"""Reference data of the programme: the areas of expertise and the mengpaneel's default
elements. Data in Dutch (like the themes), kept and extended by staff in the admin; loaded by a
data migration and, in tests that empty the database, by ``load()``."""

from __future__ import annotations

AREAS = [
    ("vastgoed", "Vastgoed"),
    ("onderhandelen", "Onderhandelen"),
    ("mediation", "Mediation"),
    ("juridisch", "Juridisch"),
    ("community-building", "Community building"),
    ("zorg", "Zorg"),
    ("energie", "Energie"),
    ("financiering", "Financiering"),
]

# slug, name, what 0 means, what 100 means
ELEMENTS = [
    (
        "eigenaarschap",
        "Eigenaarschap",
        "Bewoners voelen zich geen eigenaar; anderen trekken de kar",
        "Bewoners voelen en dragen het initiatief als hun eigen zaak",
    ),
    (
        "zeggenschap",
        "Zeggenschap",
        "Besluiten vallen buiten de wijk",
        "Bewoners beslissen zelf over koers, geld en bezit",
    ),
    (
        "bezit",
        "Bezit van grond en gebouwen",
        "Geen eigen bezit; alles wordt gehuurd of geleend",
        "Gebouwen en grond zijn in handen van de bewoners",
    ),
    (
        "geldstromen",
        "Geldstromen in de wijk",
        "Geld dat in de wijk wordt uitgegeven, stroomt weg",
        "Een groot deel van het geld blijft in de wijk rondgaan",
    ),
    (
        "ondernemerschap",
        "Ondernemerschap",
        "Afwachtend; leunt op subsidie en projecten",
        "Ziet kansen, durft risico te nemen en verdient eigen geld",
    ),
    (
        "financiele-duurzaamheid",
        "Financiële duurzaamheid",
        "Afhankelijk van jaarlijkse subsidies",
        "Sluit jaren achter elkaar rond met eigen inkomsten",
    ),
    (
        "worteling",
        "Worteling in de wijk",
        "Een kleine groep, weinig bekend bij buren",
        "Breed gedragen en bekend in de hele wijk",
    ),
    (
        "impact-wonen",
        "Impact op wonen",
        "Geen invloed op wonen in de wijk",
        "Bewoners bepalen mee hoe er in de wijk gewoond wordt",
    ),
    (
        "impact-werk",
        "Impact op werk",
        "Geen werk of leerplekken voor buren",
        "Veel buren hebben via het initiatief werk of een leerplek",
    ),
    (
        "impact-zorg",
        "Impact op zorg",
        "Geen rol in zorg en welzijn",
        "Een vaste, erkende partner in zorg en welzijn in de wijk",
    ),
    (
        "impact-energie",
        "Impact op energie",
        "Geen rol in de energietransitie",
        "Bewoners wekken samen een groot deel van hun energie op",
    ),
]


def load(area_model, element_model) -> None:
    """Create the default areas and elements that do not exist yet (safe to run again)."""
    for order, (slug, name) in enumerate(AREAS):
        area_model.objects.get_or_create(slug=slug, defaults={"name": name, "order": order * 10})
    for order, (slug, name, low, high) in enumerate(ELEMENTS):
        element_model.objects.get_or_create(
            slug=slug,
            pioneer=None,
            defaults={
                "name": name,
                "low_meaning": low,
                "high_meaning": high,
                "order": order * 10,
            },
        )
