"""Fictional demo content for the knowledge base: reports (with small generated PDFs), FAQs,
articles and case descriptions. Every organisation, person and figure here is made up.
Running ``seed`` again changes nothing: items are looked up by slug."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

from django.core.files.base import ContentFile
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.html import escape

from accounts.models import User
from enterprises.models import Enterprise, Theme
from pioneers.demo import STAFF_EMAIL

from . import case_pdf, services
from .markdown import render_markdown
from .models import (
    FAQ,
    Article,
    ArticleKind,
    Audience,
    CaseDescription,
    FAQCategory,
    Report,
    ReportAccess,
)

# Each item is the keyword arguments of its model, with its themes (and a report's audiences,
# a case's enterprise) by slug: what seed() takes out before it creates the item.
REPORTS: list[dict[str, Any]] = [
    {
        "slug": "ruimte-voor-wijkondernemingen-in-zuiderwaard",
        "title": "Ruimte voor wijkondernemingen in Zuiderwaard",
        "subtitle": "Een verkenning van de gemeentelijke koers voor ondernemende bewoners",
        "summary": (
            "Hoe kan een middelgrote gemeente wijkondernemingen laten groeien zonder ze in te "
            "kapselen? Voor deze verkenning spraken we met twaalf bewonersinitiatieven, acht "
            "ambtenaren en drie welzijnspartners in de fictieve gemeente Zuiderwaard."
        ),
        "authors": "Marit Oosterbeek, Jurgen Halsema",
        "partners": "Stichting Buurtkracht Oost (fictief)",
        "commissioned_by": "Gemeente Zuiderwaard (fictief)",
        "publication_date": date(2025, 3, 14),
        "access": ReportAccess.OPEN,
        "themes": ["vastgoed", "werk-en-participatie"],
        "audiences": ["gemeente", "professional"],
        "key_lessons": (
            "Koop diensten in bij wijkondernemingen in plaats van ze alleen te subsidiëren\n"
            "Laat één vaste ambtenaar het aanspreekpunt zijn voor alle afdelingen\n"
            "Begin met een klein contract en bouw dat in drie jaar uit\n"
            "Maak het beheer van een buurtgebouw overdraagbaar aan bewoners"
        ),
        "body": (
            "## Waarom deze verkenning\n\n"
            "Zuiderwaard telt vijf wijkondernemingen en een handvol startende initiatieven. "
            "De gemeente wilde weten wat zij kan doen om deze ondernemingen sterker te maken.\n\n"
            "## Wat we zagen\n\n"
            "De wijkondernemingen in Zuiderwaard verdienen gemiddeld iets meer dan de helft van "
            "hun inkomsten zelf, met zaalverhuur, groenonderhoud en een buurtrestaurant. "
            "De rest komt uit subsidies en fondsen.\n\n"
            "## Aanbevelingen\n\n"
            "1. Reserveer een deel van het inkoopbudget voor opdrachten aan wijkondernemingen.\n"
            "2. Leg afspraken over gebouwen vast voor minstens tien jaar.\n"
            "3. Evalueer samen met de bewoners, niet over hen.\n"
        ),
    },
    {
        "slug": "eigen-geld-eigen-wijk",
        "title": "Eigen geld, eigen wijk",
        "subtitle": "De inkomsten van wijkondernemingen en bewonersbedrijven in beeld",
        "summary": (
            "Waar halen wijkondernemingen hun geld vandaan, en hoe verandert die mix als een "
            "onderneming groeit? Een analyse van de jaarcijfers van dertig fictieve "
            "bewonersbedrijven over vijf jaar."
        ),
        "authors": "Noor Vlietstra",
        "partners": "Kenniskring Buurteconomie (fictief)",
        "commissioned_by": "Fonds Samen Wijs (fictief)",
        "publication_date": date(2024, 10, 2),
        "access": ReportAccess.ON_REQUEST,
        "themes": ["vastgoed", "energie"],
        "audiences": ["gemeente", "professional", "bewoner"],
        "key_lessons": (
            "Eigen vastgoed is de sterkste bron van stabiele inkomsten\n"
            "Ondernemingen met een energietak groeien het snelst\n"
            "Subsidie blijft nodig voor werk dat de markt niet betaalt"
        ),
        "body": (
            "## Aanpak\n\n"
            "We vergeleken de inkomsten per stroom: verkoop van producten en diensten, verhuur, "
            "opdrachten van de gemeente, subsidies, fondsen en giften.\n\n"
            "## Uitkomsten\n\n"
            "Bij de helft van de ondernemingen komt meer dan een derde van de inkomsten uit "
            "verhuur van ruimtes in een eigen of gehuurd gebouw.\n"
        ),
    },
    {
        "slug": "van-buurthuis-naar-bewonersbedrijf",
        "title": "Van buurthuis naar bewonersbedrijf",
        "subtitle": "Een handreiking voor bewoners die hun buurthuis zelf willen runnen",
        "summary": (
            "Een praktische handreiking voor bewonersgroepen die het beheer van hun buurthuis "
            "willen overnemen: van de eerste gesprekken met de gemeente tot een sluitende "
            "begroting."
        ),
        "authors": "Team kennisbank",
        "partners": "",
        "commissioned_by": "",
        "publication_date": date(2023, 6, 20),
        "access": ReportAccess.OPEN,
        "themes": ["ontmoeting", "vastgoed"],
        "audiences": ["bewoner"],
        "key_lessons": (
            "Zorg voor een kerngroep van minstens vijf mensen\n"
            "Reken de exploitatie door voordat je tekent\n"
            "Vraag een overgangsperiode met begeleiding"
        ),
        "body": (
            "## Stap 1: de kerngroep\n\n"
            "Een buurthuis runnen is veel werk. Begin met een kleine groep die de kar trekt.\n\n"
            "## Stap 2: de cijfers\n\n"
            "Maak een begroting met verhuur, een bar en activiteiten. Tel de kosten van "
            "onderhoud, energie en verzekeringen mee.\n"
        ),
    },
]

FAQ_CATEGORIES = [
    ("over-wijkondernemingen", "Over wijkondernemingen"),
    ("geld-en-organisatie", "Geld en organisatie"),
    ("samenwerken-met-de-gemeente", "Samenwerken met de gemeente"),
]

FAQS = [
    (
        "over-wijkondernemingen",
        "wat-is-een-wijkonderneming",
        "Wat is een wijkonderneming?",
        "Een organisatie van en voor bewoners die zelf geld verdient en de winst terugzet in "
        "de eigen wijk of het eigen dorp. Bewoners zijn eigenaar en hebben de zeggenschap.",
        [],
    ),
    (
        "over-wijkondernemingen",
        "verschil-met-een-sociale-onderneming",
        "Wat is het verschil met een sociale onderneming?",
        "Een sociale onderneming haalt het grootste deel van haar inkomsten uit de markt. "
        "Een wijkonderneming combineert meestal marktinkomsten met subsidies, fondsen en "
        "opdrachten, en is altijd geworteld in één buurt.",
        [],
    ),
    (
        "geld-en-organisatie",
        "welke-rechtsvorm-past",
        "Welke rechtsvorm past bij een wijkonderneming?",
        "Veel wijkondernemingen kiezen een **stichting** of een **coöperatie**. Een coöperatie "
        "maakt bewoners lid en mede-eigenaar; een stichting is eenvoudiger te besturen.",
        [],
    ),
    (
        "geld-en-organisatie",
        "hoe-verdient-een-wijkonderneming-geld",
        "Hoe verdient een wijkonderneming geld?",
        "Met verhuur van ruimtes, verkoop van diensten zoals groenonderhoud of maaltijden, "
        "opdrachten van de gemeente en bijdragen van deelnemers. Zie ook het rapport over "
        "inkomsten.",
        ["eigen-geld-eigen-wijk"],
    ),
    (
        "samenwerken-met-de-gemeente",
        "wat-is-het-right-to-challenge",
        "Wat is het Right to Challenge?",
        "Bewoners dagen de gemeente uit: zij nemen een taak over, zoals het onderhoud van een "
        "park, en krijgen het budget dat daarbij hoort.",
        ["ruimte-voor-wijkondernemingen-in-zuiderwaard"],
    ),
    (
        "samenwerken-met-de-gemeente",
        "wat-kan-de-gemeente-doen",
        "Wat kan een gemeente doen om wijkondernemingen te steunen?",
        "Opdrachten gunnen in plaats van alleen subsidie geven, gebouwen overdragen of "
        "langjarig verhuren, en één vast aanspreekpunt regelen.",
        ["ruimte-voor-wijkondernemingen-in-zuiderwaard"],
    ),
]

ARTICLES: list[dict[str, Any]] = [
    {
        "slug": "tien-tips-voor-werk-in-de-wijk",
        "title": "Tien tips voor werk in de wijk",
        "kind": ArticleKind.TIPS,
        "lead": "Hoe maak je als wijkonderneming betaald werk voor buurtbewoners? "
        "Tien lessen uit de praktijk van fictieve bewonersbedrijven.",
        "author": "Team kennisbank",
        "date": date(2025, 1, 28),
        "themes": ["werk-en-participatie"],
        "body": (
            "1. Begin bij wat de buurt nodig heeft, niet bij wat er te subsidiëren valt.\n"
            "2. Zoek werk dat terugkomt: schoonmaak, groen, maaltijden.\n"
            "3. Koppel elke nieuwe medewerker aan een ervaren buurtgenoot.\n"
            "4. Maak afspraken met de sociale dienst over bijverdienen.\n"
            "5. Vier kleine successen.\n"
            "6. Houd de administratie vanaf dag één op orde.\n"
            "7. Vraag een vaste opdracht aan, liefst voor meerdere jaren.\n"
            "8. Werk samen met het wijkteam.\n"
            "9. Laat zien wat het oplevert, in cijfers en verhalen.\n"
            "10. Gun jezelf tijd: groei gaat in jaren, niet in maanden.\n"
        ),
    },
    {
        "slug": "interview-we-kochten-ons-eigen-buurthuis",
        "title": "“We kochten ons eigen buurthuis”",
        "kind": ArticleKind.INTERVIEW,
        "lead": "Bewonersbedrijf De Lindehof (fictief) werd eigenaar van het gebouw waar het "
        "tien jaar huurde. Voorzitter Esmee Brandsma vertelt hoe.",
        "author": "Karel Wijnands",
        "date": date(2024, 11, 12),
        "themes": ["vastgoed", "ontmoeting"],
        "body": (
            "## Hoe begon het?\n\n"
            "„De gemeente wilde het pand verkopen. Wij dachten: dan kopen wij het toch?”\n\n"
            "## Waar kwam het geld vandaan?\n\n"
            "„Een maatschappelijke hypotheek, een lening van een fonds en obligaties die "
            "buurtbewoners kochten.”\n\n"
            "> Eigenaarschap geeft rust: niemand kan ons meer wegsturen.\n"
        ),
    },
    {
        "slug": "nieuwe-ronde-wijkbv-pioniers",
        "title": "Nieuwe ronde voor WijkBV-pioniers",
        "kind": ArticleKind.NEWS,
        "lead": "Bewonersbedrijven met een groot plan kunnen zich aanmelden voor het "
        "WijkBV-programma.",
        "author": "Team kennisbank",
        "date": date(2025, 4, 3),
        "themes": [],
        "body": (
            "Het programma zoekt ervaren bewonersbedrijven die een economische basis willen "
            "bouwen: een gebouw kopen, een grote opdracht binnenhalen of een "
            "energiecoöperatie starten. Aanmelden kan via het portaal.\n"
        ),
    },
]

CASES: list[dict[str, Any]] = [
    {
        "slug": "de-groene-schakel-koopt-het-buurthuis",
        "title": "De Groene Schakel koopt het buurthuis",
        "enterprise_slug": "bewonersbedrijf-de-groene-schakel",
        "summary": "Hoe een bewonersbedrijf in Amsterdam met een sociale hypotheek het buurthuis "
        "kocht en de verhuur van zalen tot zijn belangrijkste inkomstenbron maakte.",
        "themes": ["vastgoed", "ontmoeting"],
        "body": (
            "## Aanleiding\n\n"
            "De gemeente wilde het buurthuis verkopen. Bewoners zagen hun ontmoetingsplek "
            "verdwijnen en besloten het zelf te kopen.\n\n"
            "## Hoe het lukte\n\n"
            "Met een taxatie, een ondernemingsplan en steun van een vastgoedexpert uit het "
            "netwerk overtuigde het bewonersbedrijf een fonds om garant te staan.\n\n"
            "## Lessen\n\n"
            "- Begin op tijd met het gesprek over de prijs.\n"
            "- Verhuur aan vaste huurders geeft zekerheid voor de bank.\n"
        ),
    },
    {
        "slug": "buurtbedrijf-de-kaap-groenbeheer",
        "title": "Buurtbedrijf De Kaap wint het groenonderhoud",
        "subject_name": "Buurtbedrijf De Kaap (fictief)",
        "summary": "Hoe een bewonersbedrijf via het Right to Challenge het onderhoud van "
        "drie parken overnam, en daarmee werk maakte voor zes buurtbewoners.",
        "themes": ["groen", "werk-en-participatie"],
        "body": (
            "## Uitgangssituatie\n\n"
            "Bewoners ergerden zich aan slecht onderhouden plantsoenen.\n\n"
            "## De uitdaging\n\n"
            "Het bewonersbedrijf daagde de gemeente uit en kreeg een contract voor drie jaar.\n\n"
            "## Resultaat\n\n"
            "Zes bewoners met een uitkering werken nu in het groen.\n\n"
            "## Lessen\n\n"
            "- Reken de begroting door met een hovenier.\n"
            "- Spreek af hoe de kwaliteit wordt gemeten.\n"
        ),
    },
    {
        "slug": "dorpscooperatie-het-veld-energie",
        "title": "Dorpscoöperatie Het Veld start een zonnedak",
        "subject_name": "Dorpscoöperatie Het Veld (fictief)",
        "summary": "Een dorpscoöperatie legde zonnepanelen op het dak van de sporthal en "
        "steekt de opbrengst in de dorpsbus.",
        "themes": ["energie", "mobiliteit"],
        "body": (
            "## Het plan\n\n"
            "Honderdtwintig leden brachten samen het startkapitaal bijeen.\n\n"
            "## Wat het oplevert\n\n"
            "De opbrengst betaalt de dorpsbus en een deel van het dorpshuis.\n"
        ),
    },
]


def _pdf(title: str, subtitle: str, summary: str, body: str) -> bytes:
    """A small PDF of the report: title page and text, generated with WeasyPrint."""
    from weasyprint import HTML

    html = (
        "<html lang='nl'><head><meta charset='utf-8'><style>"
        "body{font-family:sans-serif;margin:2cm} h1{color:#1d5c47}</style></head><body>"
        f"<h1>{escape(title)}</h1><h2>{escape(subtitle)}</h2><p>{escape(summary)}</p>"
        f"{render_markdown(body)}"
        "<p><em>Fictief demorapport van het portaal Wijkondernemingen.</em></p></body></html>"
    )
    return HTML(string=html).write_pdf()


def _themes(slugs: list[str]) -> QuerySet[Theme]:
    return Theme.objects.filter(slug__in=slugs)


def seed(log: Callable[[str], None]) -> None:
    now = timezone.now()
    # The demo staff member (accounts' demo) publishes, as staff would in the admin.
    staff = User.objects.filter(email=STAFF_EMAIL).first()
    reports = {}
    for position, data in enumerate(REPORTS):
        data = dict(data)
        theme_slugs, audience_slugs = data.pop("themes"), data.pop("audiences")
        report = Report.objects.filter(slug=data["slug"]).first()
        if report is None:
            report = Report(**data)
            report.pdf.save(
                f"{data['slug']}.pdf",
                ContentFile(_pdf(data["title"], data["subtitle"], data["summary"], data["body"])),
                save=False,
            )
            report.save()
            report.themes.set(_themes(theme_slugs))
            report.audiences.set(Audience.objects.filter(slug__in=audience_slugs))
            services.publish(report, by=staff, when=now - timedelta(days=30 + position))
            log(f"Demo report {report.title}")
        reports[report.slug] = report

    categories = {}
    for position, (slug, name) in enumerate(FAQ_CATEGORIES):
        categories[slug], _ = FAQCategory.objects.get_or_create(
            slug=slug, defaults={"name": name, "position": position}
        )
    for order, (category, slug, question, answer, related) in enumerate(FAQS):
        if FAQ.objects.filter(slug=slug).exists():
            continue
        faq = FAQ.objects.create(
            slug=slug, question=question, answer=answer, category=categories[category], order=order
        )
        faq.related_reports.set([reports[item] for item in related if item in reports])
        services.publish(faq, by=staff, when=now - timedelta(days=20))
        log(f"Demo question {question}")

    for position, data in enumerate(ARTICLES):
        data = dict(data)
        theme_slugs = data.pop("themes")
        if Article.objects.filter(slug=data["slug"]).exists():
            continue
        article = Article.objects.create(**data)
        article.themes.set(_themes(theme_slugs))
        services.publish(article, by=staff, when=now - timedelta(days=10 + position))
        log(f"Demo article {article.title}")

    for position, data in enumerate(CASES):
        data = dict(data)
        theme_slugs = data.pop("themes")
        if CaseDescription.objects.filter(slug=data["slug"]).exists():
            continue
        enterprise_slug = data.pop("enterprise_slug", None)
        if enterprise_slug:
            data["enterprise"] = Enterprise.objects.filter(slug=enterprise_slug).first()
        case = CaseDescription.objects.create(**data)
        case.themes.set(_themes(theme_slugs))
        services.publish(case, by=staff, when=now - timedelta(days=5 + position))
        case_pdf.request_pdf(case, by=None)  # rendered in-process without a broker
        log(f"Demo case description {case.title}")
