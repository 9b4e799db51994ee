"""The shapes of the API's answers, typed: django-ninja writes the OpenAPI document from them.
Field names and descriptions are Dutch, as the NLGov design rules ask of a Dutch API."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Literal, TypeAlias

from ninja import Field, Schema

from enterprises.models import EnterpriseKind, LegalForm, Province

if TYPE_CHECKING:
    # A Literal built from the choices when the module loads is beyond mypy: to it these are the
    # strings they are. At run time ninja validates them and lists them as the OpenAPI enum.
    KIND: TypeAlias = str
    LEGAL_FORM: TypeAlias = str
    PROVINCE: TypeAlias = str
else:
    KIND = Literal[tuple(EnterpriseKind.values)]
    LEGAL_FORM = Literal[tuple(LegalForm.values)]
    PROVINCE = Literal[tuple(Province.values)]


class Link(Schema):
    """Een link (HAL): het adres van een verwante bron."""

    href: str = Field(description="Absolute URL.")


class PageLinks(Schema):
    """Links naar pagina's van een lijst, met dezelfde filters en paginagrootte."""

    self: Link = Field(description="Deze pagina.")
    first: Link = Field(description="De eerste pagina.")
    prev: Link | None = Field(description="De vorige pagina; null op de eerste.")
    next: Link | None = Field(description="De volgende pagina; null op de laatste.")
    last: Link = Field(description="De laatste pagina.")


class Page(Schema):
    """What every list answer has besides its items (HAL-stijl ``_links``)."""

    links: PageLinks = Field(alias="_links", description="Links naar pagina's van deze lijst.")
    aantal: int = Field(description="Het aantal resultaten op alle pagina's samen.")
    pagina: int = Field(description="Het nummer van deze pagina (vanaf 1).")
    paginaGrootte: int = Field(description="Het grootste aantal resultaten per pagina.")
    aantalPaginas: int = Field(description="Het aantal pagina's.")


class InvalidParam(Schema):
    """Een parameter die niet goed was, met de reden."""

    name: str = Field(description="De naam van de parameter.")
    reason: str = Field(description="Wat er niet goed aan was, in het Nederlands.")


class Problem(Schema):
    """Een foutmelding volgens RFC 9457 (application/problem+json)."""

    type: str = Field(description="Soort probleem; about:blank: de status zegt wat er is.")
    title: str = Field(description="Korte omschrijving van het probleem, in het Nederlands.")
    status: int = Field(description="De HTTP-statuscode.")
    detail: str = Field(description="Uitleg voor deze keer, in het Nederlands.")
    invalidParams: list[InvalidParam] | None = Field(
        None, description="Bij status 400: de parameters die niet goed waren."
    )


# --- Wijkondernemingen ------------------------------------------------------------------------


class EnterpriseLinks(Schema):
    """Links van een wijkonderneming: naar zichzelf, haar profiel, jaarcijfers en gemeente."""

    self: Link = Field(description="Deze wijkonderneming in de API.")
    profiel: Link = Field(description="Het openbare profiel op het portaal (HTML).")
    jaarcijfers: Link = Field(description="De gepubliceerde jaarcijfers in de API.")
    gemeente: Link = Field(description="De gemeente in de API.")


class Enterprise(Schema):
    """Een gepubliceerde wijkonderneming: de open-data kolommen van de export van de gids,
    met de cijfers van het laatste jaar waarover zij rapporteerde. Nooit contactpersonen."""

    links: EnterpriseLinks = Field(
        alias="_links", description="Links (HAL): naar zichzelf en verwante bronnen."
    )
    slug: str = Field(description="De vaste sleutel in adressen.")
    naam: str = Field(description="De naam.")
    soort: KIND = Field(description="Het soort organisatie (code, zoals de filter soort).")
    soortNaam: str = Field(description="Het soort organisatie in woorden.")
    rechtsvorm: LEGAL_FORM | Literal[""] = Field(description="De rechtsvorm (code).")
    kvkNummer: str = Field(description="Het KvK-nummer (8 cijfers), of leeg.")
    oprichtingsjaar: int | None = Field(description="Het jaar van oprichting, als bekend.")
    gemeente: str = Field(description="De naam van de gemeente.")
    cbsCode: str = Field(description="De CBS-code van de gemeente (GM0000).")
    provincie: str = Field(description="De naam van de provincie.")
    wijk: str = Field(description="De wijk, buurt of het dorp.")
    website: str = Field(description="De website, of leeg.")
    themas: list[str] = Field(description="De thema's (codes, zoals de filter thema).")
    laatsteJaar: int | None = Field(description="Het laatste jaar met cijfers, of null.")
    omzet: int | None = Field(description="Omzet in dat jaar in hele euro's (zonder leningen).")
    leningen: int | None = Field(description="Leningen in dat jaar in hele euro's (financiering).")
    aandeelMarkt: float | None = Field(description="Aandeel van de markt in de omzet (%).")
    aandeelOverheid: float | None = Field(description="Aandeel publiek geld in de omzet (%).")
    aandeelPrivaat: float | None = Field(description="Aandeel fondsen en giften in de omzet (%).")
    betaaldeFte: float | None = Field(description="Betaalde krachten in fte in dat jaar.")
    vrijwilligers: int | None = Field(description="Vrijwilligers in dat jaar.")


class EnterpriseEmbedded(Schema):
    """De wijkondernemingen van een pagina (HAL _embedded)."""

    wijkondernemingen: list[Enterprise] = Field(description="De wijkondernemingen op deze pagina.")


class EnterpriseList(Page):
    """Een pagina gepubliceerde wijkondernemingen."""

    embedded: EnterpriseEmbedded = Field(
        alias="_embedded", description="De resultaten op deze pagina (HAL)."
    )


class StreamPercentages(Schema):
    """Het aandeel van elke inkomstenstroom in de omzet, in hele procenten die samen 100 zijn
    (0 overal zonder omzet), zoals de staafgrafiek van het profiel."""

    verkoop: int = Field(description="Verkoop van producten en diensten.")
    verhuur: int = Field(description="Verhuur en exploitatie van gebouwen.")
    bijdragen: int = Field(description="Bijdragen van deelnemers.")
    opdrachten: int = Field(description="Publieke opdrachten (maatschappelijk aanbesteden).")
    subsidies: int = Field(description="Subsidies.")
    fondsen: int = Field(description="Fondsen en stichtingen.")
    giften: int = Field(description="Giften en crowdfunding.")


class YearFigures(Schema):
    """De cijfers van één jaar, zoals het openbare profiel ze toont."""

    jaar: int = Field(description="Het kalenderjaar.")
    omzet: int = Field(description="Omzet in hele euro's (zonder leningen).")
    leningen: int = Field(description="Leningen en sociale financiering: geen omzet.")
    uitgaven: int = Field(description="Totale uitgaven in hele euro's.")
    resultaat: int = Field(description="Omzet min uitgaven (negatief: verlies).")
    aandeelMarkt: float | None = Field(description="Aandeel van de markt in de omzet (%).")
    aandeelOverheid: float | None = Field(description="Aandeel publiek geld in de omzet (%).")
    aandeelPrivaat: float | None = Field(description="Aandeel fondsen en giften in de omzet (%).")
    stromen: StreamPercentages = Field(
        description="Het aandeel van elke inkomstenstroom in de omzet."
    )
    betaaldeFte: float = Field(description="Betaalde krachten in fte.")
    vrijwilligers: int = Field(description="Vrijwilligers.")
    mensenUitUitkering: int | None = Field(
        description="Mensen uit een uitkering aan het werk; alleen voor het laatste jaar "
        "(zoals op het profiel), anders null."
    )
    bereikteBewoners: int | None = Field(
        description="Bereikte bewoners; alleen voor het laatste jaar, anders null."
    )


class YearFiguresLinks(Schema):
    """Links van de jaarcijfers: naar zichzelf en de wijkonderneming."""

    self: Link = Field(description="Dit antwoord in de API.")
    wijkonderneming: Link = Field(description="De wijkonderneming in de API.")


class YearFiguresList(Schema):
    """De gepubliceerde jaarcijfers van een wijkonderneming, per jaar."""

    links: YearFiguresLinks = Field(
        alias="_links", description="Links (HAL): naar zichzelf en verwante bronnen."
    )
    jaarcijfers: list[YearFigures] = Field(description="Elk jaar met cijfers, oudste eerst.")


# --- Gemeenten --------------------------------------------------------------------------------


class MunicipalityLinks(Schema):
    """Links van een gemeente: naar zichzelf, haar pagina en haar wijkondernemingen."""

    self: Link = Field(description="Dit antwoord in de API.")
    pagina: Link = Field(description="De pagina van de gemeente op het portaal (HTML).")
    wijkondernemingen: Link = Field(description="Haar gepubliceerde wijkondernemingen.")


class Municipality(Schema):
    """Een gemeente met het aantal gepubliceerde wijkondernemingen en pioniers."""

    links: MunicipalityLinks = Field(
        alias="_links", description="Links (HAL): naar zichzelf en verwante bronnen."
    )
    cbsCode: str = Field(description="De CBS-code (GM0000).")
    naam: str = Field(description="De naam.")
    slug: str = Field(description="De vaste sleutel in adressen.")
    provincie: PROVINCE = Field(description="De provincie (code, zoals de filter provincie).")
    provincieNaam: str = Field(description="De naam van de provincie.")
    aantalWijkondernemingen: int = Field(description="Gepubliceerde wijkondernemingen.")
    aantalPioniers: int = Field(description="Pioniers van WijkBV op de programmapagina.")


class MunicipalityEmbedded(Schema):
    """De gemeenten van een pagina (HAL _embedded)."""

    gemeenten: list[Municipality] = Field(description="De gemeenten op deze pagina.")


class MunicipalityList(Page):
    """Een pagina gemeenten met gepubliceerde wijkondernemingen."""

    embedded: MunicipalityEmbedded = Field(
        alias="_embedded", description="De resultaten op deze pagina (HAL)."
    )


class Measure(Schema):
    """Eén maat van de samengetelde cijfers: totaal en medianen."""

    sleutel: str = Field(description="De maat (code).")
    naam: str = Field(description="De maat in woorden.")
    totaal: float = Field(description="Het totaal over de wijkondernemingen hier.")
    mediaan: float | None = Field(description="De mediaan per wijkonderneming hier.")
    landelijkeMediaan: float | None = Field(description="De mediaan per wijkonderneming landelijk.")
    geld: bool = Field(description="Of het om hele euro's gaat.")


class MunicipalFigures(Schema):
    """De samengetelde cijfers van de gemeente over het laatste afgesloten jaar met genoeg
    rapporterende wijkondernemingen. Onder de drie niet getoond (getoond false, de cijfers
    null): anders zijn ze tot één wijkonderneming te herleiden, zoals op de pagina."""

    jaar: int | None = Field(description="Het jaar, of null als er geen is.")
    getoond: bool = Field(description="Of de cijfers getoond worden (minstens drie).")
    omzet: int | None = Field(description="Totale omzet in hele euro's.")
    leningen: int | None = Field(description="Totale leningen in hele euro's.")
    stromen: StreamPercentages | None = Field(
        description="Het aandeel van elke inkomstenstroom in de omzet."
    )
    maten: list[Measure] | None = Field(description="Totaal en medianen per maat.")
    aantalRapporterend: int | None = Field(
        description="Hoeveel wijkondernemingen hier over het jaar rapporteerden (als getoond)."
    )


class MunicipalityDetail(Municipality):
    """Een gemeente met haar samengetelde cijfers."""

    cijfers: MunicipalFigures = Field(
        description="De samengetelde cijfers (onder de drie rapporterende niet getoond)."
    )


# --- Kennisbank -------------------------------------------------------------------------------


class ItemLinks(Schema):
    """Links van een item van de kennisbank: naar zichzelf, de pagina en de PDF."""

    self: Link | None = Field(description="Dit item in de API (null zonder detailpagina).")
    pagina: Link = Field(description="De openbare pagina op het portaal (HTML).")
    pdf: Link | None = Field(description="De openbare PDF, of null als die er niet is.")


class ReportLinks(ItemLinks):
    """Links van een rapport, met het aanvraagformulier bij een rapport op aanvraag."""

    aanvragen: Link | None = Field(
        description="Bij een rapport op aanvraag: het formulier om het aan te vragen."
    )


class Report(Schema):
    """Een gepubliceerd rapport."""

    links: ReportLinks = Field(
        alias="_links", description="Links (HAL): naar zichzelf en verwante bronnen."
    )
    slug: str = Field(description="De vaste sleutel in adressen.")
    titel: str = Field(description="De titel.")
    ondertitel: str = Field(description="De ondertitel, of leeg.")
    samenvatting: str = Field(description="Een samenvatting van enkele zinnen.")
    opdrachtgever: str = Field(description="De opdrachtgever, of leeg.")
    publicatiedatum: date = Field(description="De datum van publicatie.")
    toegang: Literal["open", "op-aanvraag"] = Field(
        description="open: de PDF is vrij te downloaden; op-aanvraag: via het formulier."
    )
    themas: list[str] = Field(description="De thema's (codes, zoals de filter thema van de gids).")
    doelgroepen: list[str] = Field(
        description="Voor wie het is (codes: gemeente, professional, bewoner...)."
    )


class ReportDetail(Report):
    """Een gepubliceerd rapport met zijn lessen en tekst."""

    lessen: list[str] = Field(description="De belangrijkste lessen.")
    inhoudHtml: str = Field(description="De tekst als (geschoonde) HTML.")


class ReportEmbedded(Schema):
    """De rapporten van een pagina (HAL _embedded)."""

    rapporten: list[Report] = Field(description="De rapporten op deze pagina.")


class ReportList(Page):
    """Een pagina gepubliceerde rapporten."""

    embedded: ReportEmbedded = Field(
        alias="_embedded", description="De resultaten op deze pagina (HAL)."
    )


class FaqCategory(Schema):
    """De rubriek van een veelgestelde vraag."""

    slug: str = Field(description="De vaste sleutel in adressen.")
    naam: str = Field(description="De naam.")


class Faq(Schema):
    """Een veelgestelde vraag met haar antwoord."""

    links: ItemLinks = Field(
        alias="_links", description="Links (HAL): naar zichzelf en verwante bronnen."
    )
    slug: str = Field(description="Het anker van de vraag op de pagina.")
    vraag: str = Field(description="De vraag.")
    antwoordHtml: str = Field(description="Het antwoord als (geschoonde) HTML.")
    categorie: FaqCategory = Field(description="De rubriek van de vraag op de pagina.")
    themas: list[str] = Field(description="De thema's (codes, zoals de filter thema van de gids).")


class FaqEmbedded(Schema):
    """De vragen van een pagina (HAL _embedded)."""

    veelgesteldeVragen: list[Faq] = Field(description="De vragen op deze pagina.")


class FaqList(Page):
    """Een pagina veelgestelde vragen."""

    embedded: FaqEmbedded = Field(
        alias="_embedded", description="De resultaten op deze pagina (HAL)."
    )


class Article(Schema):
    """Een gepubliceerd artikel: tips, interview of nieuws."""

    links: ItemLinks = Field(
        alias="_links", description="Links (HAL): naar zichzelf en verwante bronnen."
    )
    slug: str = Field(description="De vaste sleutel in adressen.")
    titel: str = Field(description="De titel.")
    soort: Literal["tips", "interview", "nieuws"] = Field(description="Het soort artikel.")
    intro: str = Field(description="De eerste alinea.")
    datum: date = Field(description="De datum van publicatie.")
    themas: list[str] = Field(description="De thema's (codes, zoals de filter thema van de gids).")


class ArticleDetail(Article):
    """Een gepubliceerd artikel met zijn tekst."""

    inhoudHtml: str = Field(description="De tekst als (geschoonde) HTML.")


class ArticleEmbedded(Schema):
    """De artikelen van een pagina (HAL _embedded)."""

    artikelen: list[Article] = Field(description="De artikelen op deze pagina.")


class ArticleList(Page):
    """Een pagina gepubliceerde artikelen."""

    embedded: ArticleEmbedded = Field(
        alias="_embedded", description="De resultaten op deze pagina (HAL)."
    )


class CaseLinks(ItemLinks):
    """Links van een casusbeschrijving, met de beschreven wijkonderneming."""

    wijkonderneming: Link | None = Field(
        description="De beschreven wijkonderneming in de API, als die gepubliceerd is."
    )


class Case(Schema):
    """Een gepubliceerde casusbeschrijving."""

    links: CaseLinks = Field(
        alias="_links", description="Links (HAL): naar zichzelf en verwante bronnen."
    )
    slug: str = Field(description="De vaste sleutel in adressen.")
    titel: str = Field(description="De titel.")
    samenvatting: str = Field(description="Een samenvatting van enkele zinnen.")
    onderwerp: str = Field(description="De wijkonderneming of pionier die beschreven wordt.")
    datum: date | None = Field(description="De datum van publicatie.")
    themas: list[str] = Field(description="De thema's (codes, zoals de filter thema van de gids).")


class CaseDetail(Case):
    """Een gepubliceerde casusbeschrijving met haar tekst."""

    inhoudHtml: str = Field(description="De tekst als (geschoonde) HTML.")


class CaseEmbedded(Schema):
    """De casusbeschrijvingen van een pagina (HAL _embedded)."""

    casusbeschrijvingen: list[Case] = Field(description="De casusbeschrijvingen op deze pagina.")


class CaseList(Page):
    """Een pagina gepubliceerde casusbeschrijvingen."""

    embedded: CaseEmbedded = Field(
        alias="_embedded", description="De resultaten op deze pagina (HAL)."
    )
