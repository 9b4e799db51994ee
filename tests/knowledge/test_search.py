"""One search over everything public: Dutch stemming on PostgreSQL, icontains on SQLite,
filters with counts, and no error whatever is typed."""

import re

import pytest
from django.conf import settings as django_settings
from django.db import connection
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from knowledge import search
from knowledge.search import SearchParams
from tests.conftest import require_service
from tests.factories import ArticleFactory, CaseDescriptionFactory, FAQFactory, ReportFactory

pytestmark = pytest.mark.django_db

SEARCH = reverse("knowledge:search")


def _titles(results) -> list[str]:
    return [hit.title for hit in results.hits]


@pytest.fixture
def sqlite_fallback(monkeypatch):
    """The embedded default's search, on whatever database the tests run."""
    monkeypatch.setattr(search, "uses_full_text", lambda: False)


def test_fallback_finds_words_in_title_summary_and_body(sqlite_fallback):
    ReportFactory(title="Buurtbus in het dorp")
    ArticleFactory(title="Iets anders", lead="Over de buurtbus van de coöperatie")
    FAQFactory(question="Een vraag", answer="Het antwoord noemt de BUURTBUS ook.")
    ArticleFactory(title="Over energie", lead="Zonnepanelen")
    results = search.search(SearchParams(q="buurtbus"))
    assert sorted(_titles(results)) == ["Buurtbus in het dorp", "Een vraag", "Iets anders"]


def test_fallback_finds_the_singular_for_a_plural(sqlite_fallback):
    ReportFactory(title="De wijkonderneming als motor")
    ReportFactory(title="Bewoners en hun gemeente")
    assert _titles(search.search(SearchParams(q="wijkondernemingen"))) == [
        "De wijkonderneming als motor"
    ]


def test_fallback_needs_every_word(sqlite_fallback):
    ArticleFactory(title="Groen in de wijk", lead="onderhoud")
    ArticleFactory(title="Groen in het dorp", lead="plantsoen")
    assert _titles(search.search(SearchParams(q="groen plantsoen"))) == ["Groen in het dorp"]


def test_fallback_marks_the_words_in_an_escaped_snippet(sqlite_fallback):
    ArticleFactory(title="Snippet", lead="De <b>buurt</b> en de buurtbus")
    hit = search.search(SearchParams(q="buurtbus")).hits[0]
    assert "<mark>buurtbus</mark>" in hit.snippet
    assert "&lt;b&gt;" in hit.snippet and "<b>" not in hit.snippet


def test_fallback_marks_whole_words_never_a_part_apart_from_its_ending(client, sqlite_fallback):
    """'wijkonderneming' finds 'wijkondernemingen': the whole word is marked, as PostgreSQL's
    headline does, so the page never reads "wijkonderneming en"."""
    ArticleFactory(title="Over de buurt", lead="Twee wijkondernemingen en één Wijkonderneming.")
    html = client.get(SEARCH, {"q": "wijkondernemingen"}).content.decode()
    snippet = re.search(r'<p class="kb-snippet">(.*?)</p>', html).group(1)
    assert snippet == ("Twee <mark>wijkondernemingen</mark> en één <mark>Wijkonderneming</mark>.")
    css = (django_settings.BASE_DIR / "static" / "css" / "portal.css").read_text()
    rule = re.search(r"\.kb-snippet mark \{([^}]*)\}", css).group(1)
    assert "padding: 0;" in rule  # no space drawn between a mark and the rest of its word


def test_fallback_never_marks_inside_an_escaped_character(sqlite_fallback):
    ArticleFactory(title="Tekens", lead="Huur & pacht voor <de> buurt, amper 5 gulden")
    hit = search.search(SearchParams(q="amp")).hits[0]
    assert str(hit.snippet) == "Huur &amp; pacht voor &lt;de&gt; buurt, <mark>amper</mark> 5 gulden"


def test_search_page_on_the_fallback_shows_results_in_dutch(client, sqlite_fallback):
    ReportFactory(title="Wijkonderneming in de stad")
    html = client.get(SEARCH, {"q": "wijkonderneming"}).content.decode()
    assert "1 resultaat voor “wijkonderneming”" in html
    assert "Wijkonderneming in de stad" in html


@pytest.mark.integration
def test_plural_finds_singular_with_dutch_stemming():
    require_service(connection.vendor == "postgresql", "PostgreSQL as DATABASE_URL")
    ReportFactory(title="De wijkonderneming als motor", summary="Over één buurt.")
    ArticleFactory(title="Bewonersbedrijven", lead="Geen match hier.")
    results = search.search(SearchParams(q="wijkondernemingen"))
    assert _titles(results) == ["De wijkonderneming als motor"]


@pytest.mark.integration
def test_title_match_ranks_above_summary_above_body():
    require_service(connection.vendor == "postgresql", "PostgreSQL as DATABASE_URL")
    ArticleFactory(title="Iets", lead="Iets", body="Hier staat energiecoöperatie in de tekst.")
    ArticleFactory(title="Anders", lead="Een energiecoöperatie in de inleiding", body="x")
    ArticleFactory(title="De energiecoöperatie", lead="inleiding", body="x")
    assert _titles(search.search(SearchParams(q="energiecoöperatie"))) == [
        "De energiecoöperatie",
        "Anders",
        "Iets",
    ]


@pytest.mark.integration
def test_headline_marks_matches_and_escapes_the_rest():
    require_service(connection.vendor == "postgresql", "PostgreSQL as DATABASE_URL")
    ArticleFactory(
        title="Veilig", lead="Over <script>alert(1)</script> en wijkondernemingen", body="tekst"
    )
    hit = search.search(SearchParams(q="wijkonderneming")).hits[0]
    assert "<mark>wijkondernemingen</mark>" in hit.snippet
    assert "<script>" not in hit.snippet


@pytest.mark.integration
def test_search_vector_has_a_gin_index():
    require_service(connection.vendor == "postgresql", "PostgreSQL as DATABASE_URL")
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexdef FROM pg_indexes WHERE tablename = 'knowledge_searchdocument'"
        )
        definitions = [row[0] for row in cursor.fetchall()]
    assert any("gin" in definition and "search_vector" in definition for definition in definitions)


def test_filters_narrow_the_results_and_facets_count_the_other_choices():
    ReportFactory(title="Energie rapport", themes=["energie"], audiences=["gemeente"])
    ReportFactory(title="Zorg rapport", themes=["zorg-en-welzijn"], audiences=["bewoner"])
    ArticleFactory(title="Energie artikel", themes=["energie"])
    results = search.search(SearchParams(theme="energie"))
    assert sorted(_titles(results)) == ["Energie artikel", "Energie rapport"]
    kinds = {option.value: option.count for option in results.facets["kind"]}
    assert kinds["rapport"] == 1 and kinds["artikel"] == 1
    themes = {option.value: option.count for option in results.facets["theme"]}
    # The theme facet ignores its own filter: it shows what choosing another theme would give.
    assert themes["energie"] == 2 and themes["zorg-en-welzijn"] == 1
    results = search.search(SearchParams(theme="energie", kind="rapport", audience="gemeente"))
    assert _titles(results) == ["Energie rapport"]
    audiences = {option.value: option.count for option in results.facets["audience"]}
    assert audiences == {"gemeente": 1, "professional": 0, "bewoner": 0}


def test_year_filter_and_facet():
    from datetime import date

    ReportFactory(title="Oud", publication_date=date(2019, 5, 1))
    ReportFactory(title="Nieuw", publication_date=date(2024, 5, 1))
    results = search.search(SearchParams(year=2019))
    assert _titles(results) == ["Oud"]
    assert {option.value: option.count for option in results.facets["year"]} == {
        "2024": 1,
        "2019": 1,
    }


def test_kind_and_year_filters_shape_each_others_counts():
    from datetime import date

    ReportFactory(title="Rapport oud", publication_date=date(2019, 5, 1))
    ReportFactory(title="Rapport nieuw", publication_date=date(2024, 5, 1))
    ArticleFactory(title="Artikel nieuw", date=date(2024, 6, 1))

    def counts(results, facet):
        return {option.value: option.count for option in results.facets[facet] if option.count}

    reports = search.search(SearchParams(kind="rapport"))
    assert reports.page.paginator.count == 2
    assert counts(reports, "year") == {"2024": 1, "2019": 1}  # the reports' years only
    assert counts(reports, "kind") == {"rapport": 2, "artikel": 1}  # ignores its own filter
    recent = search.search(SearchParams(year=2024))
    assert counts(recent, "kind") == {"rapport": 1, "artikel": 1}
    assert counts(recent, "year") == {"2024": 2, "2019": 1}
    both = search.search(SearchParams(kind="rapport", year=2024))
    assert _titles(both) == ["Rapport nieuw"]
    assert both.page.paginator.count == 1


def test_every_theme_has_a_bit_and_is_counted_and_filtered_whatever_its_key():
    from enterprises.models import Theme
    from knowledge.models import SearchDocument

    # Keys from 63 up once had no bit and were counted by their slug: now every theme has one.
    molen_theme = Theme.objects.create(pk=70, slug="erf_goed", name="Erfgoed")
    Theme.objects.create(pk=71, slug="erfxgoed", name="Erf x goed")
    ReportFactory(title="Molen", themes=["erf_goed", "energie"])
    ReportFactory(title="Kerk", themes=["erfxgoed"])
    energie = Theme.objects.get(slug="energie")
    mask = SearchDocument.objects.get(title="Molen").theme_mask
    assert mask == (1 << molen_theme.bit) | (1 << energie.bit)
    results = search.search(SearchParams(theme="erf_goed"))
    assert _titles(results) == ["Molen"]
    themes = {option.value: option.count for option in results.facets["theme"]}
    assert themes["erf_goed"] == 1 and themes["erfxgoed"] == 1 and themes["energie"] == 1
    narrowed = search.search(SearchParams(theme="energie"))
    assert {o.value: o.count for o in narrowed.facets["theme"]}["erf_goed"] == 1


def test_a_64th_theme_is_refused_with_a_message_and_a_deleted_themes_bit_is_freed():
    from django.core.exceptions import ValidationError

    from enterprises.models import MAX_BITS, Theme
    from knowledge.models import SearchDocument

    for number in range(MAX_BITS - Theme.objects.count()):
        Theme.objects.create(slug=f"thema-{number}", name=f"Thema {number}")
    assert sorted(Theme.objects.values_list("bit", flat=True)) == list(range(MAX_BITS))
    with pytest.raises(ValidationError, match="hoogstens 63 thema’s"):
        Theme(slug="een-te-veel", name="Een te veel").full_clean()
    with pytest.raises(ValidationError, match="hoogstens 63 thema’s"):
        Theme.objects.create(slug="een-te-veel", name="Een te veel")

    ReportFactory(title="Molen", themes=["thema-0", "thema-1"])
    gone = Theme.objects.get(slug="thema-0")
    gone.delete()
    kept = Theme.objects.get(slug="thema-1")
    assert SearchDocument.objects.get(title="Molen").theme_mask == 1 << kept.bit
    # The freed bit goes to the next new theme, which is on no item.
    newcomer = Theme.objects.create(slug="nieuw", name="Nieuw")
    assert newcomer.bit == gone.bit
    counts = {o.value: o.count for o in search.search(SearchParams()).facets["theme"]}
    assert counts["nieuw"] == 0 and counts["thema-1"] == 1


def test_rebuilding_the_index_restores_what_the_filters_count():
    import io

    from django.core.management import call_command

    from knowledge.models import SearchDocument

    ReportFactory(title="Energie rapport", themes=["energie"], audiences=["gemeente"])
    ArticleFactory(title="Zorg artikel", themes=["zorg-en-welzijn"])
    SearchDocument.objects.all().delete()
    call_command("rebuild_search_index", stdout=io.StringIO())
    results = search.search(SearchParams(audience="gemeente"))
    assert _titles(results) == ["Energie rapport"]
    themes = {option.value: option.count for option in results.facets["theme"]}
    assert themes["energie"] == 1 and themes["zorg-en-welzijn"] == 0
    everything = search.search(SearchParams(theme="zorg-en-welzijn"))
    assert _titles(everything) == ["Zorg artikel"]


def test_an_unknown_theme_finds_nothing_but_keeps_the_page_working(client):
    ReportFactory(title="Energie rapport", themes=["energie"])
    results = search.search(SearchParams(theme="bestaat-niet"))
    assert results.hits == [] and results.page.paginator.count == 0
    themes = {option.value: option.count for option in results.facets["theme"]}
    assert themes["energie"] == 1  # the other choices still say what they would give


@pytest.mark.integration
def test_a_word_in_every_item_is_still_found_through_the_gin_index():
    """Given the words, the planner would scan every row (and unpack its vector) for a word that
    nearly every item has; the search must read the matches from the index whatever the words."""
    require_service(connection.vendor == "postgresql", "PostgreSQL as DATABASE_URL")
    from django.utils import timezone

    from knowledge import services
    from knowledge.models import SearchDocument

    now = timezone.now()
    SearchDocument.objects.bulk_create(
        SearchDocument(
            kind="artikel",
            object_id=number,
            url=f"/a/{number}/",
            title=f"Buurt {number}",
            summary="Over de buurt en de bewoners.",
            body="Bewoners runnen hun buurt. " * 40,
            published_at=now,
            date=now.date(),
            year=now.year,
        )
        for number in range(3000)
    )
    services.update_search_vectors(SearchDocument.objects.all())
    with connection.cursor() as cursor:
        cursor.execute(f"ANALYZE {SearchDocument._meta.db_table}")
    choices = search._Choices(SearchParams(q="bewoners buurt"), [], [])
    sql, params = search.full_text_sql(choices)
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN {sql}", params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "searchdoc_vector_gin" in plan, plan
    assert search.search(SearchParams(q="bewoners buurt")).page.paginator.count == 3000


def test_search_page_shows_filters_with_counts_and_removable_chips(client):
    ReportFactory(title="Energie rapport", themes=["energie"])
    html = client.get(SEARCH, {"theme": "energie"}).content.decode()
    assert '<option value="energie" selected>Energie (1)</option>' in html
    assert "Actieve filters:" in html
    assert "filter verwijderen" in html


def test_without_a_query_everything_public_is_listed_newest_first(client):
    from datetime import date

    ReportFactory(title="Eerder", publication_date=date(2020, 1, 1))
    ReportFactory(title="Later", publication_date=date(2023, 1, 1))
    assert _titles(search.search(SearchParams())) == ["Later", "Eerder"]


def test_each_hit_shows_its_date_in_dutch_with_a_machine_readable_date(client):
    from datetime import date

    ReportFactory(title="Maart rapport", publication_date=date(2023, 3, 5))
    html = client.get(SEARCH).content.decode()
    assert '<time datetime="2023-03-05">5 maart 2023</time>' in html


def test_empty_result_explains_what_to_do(client):
    html = client.get(SEARCH, {"q": "xyzzyqwerty", "theme": "energie"}).content.decode()
    assert "Niets gevonden" in html
    assert "Haal een of meer filters weg." in html


@pytest.mark.parametrize(
    "query",
    [
        {"q": "\x00"},
        {"q": "a" * 5000},
        {"q": '"niet afgesloten'},
        {"q": "!!! & | ( ) :*"},
        {"q": "de het een"},
        {"kind": "onbekend"},
        {"theme": "bestaat-niet"},
        {"theme": "<script>"},
        {"audience": "!!"},
        {"year": "abc"},
        {"year": "99999999999999999999"},
        {"page": "abc"},
        {"page": "-1"},
        {"page": "99999"},
    ],
)
def test_odd_input_never_breaks_the_search_page(client, query):
    ReportFactory()
    response = client.get(SEARCH, query)
    assert response.status_code == 200
    assert "<script>" not in response.content.decode().split("<main", 1)[1]


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    q=st.text(max_size=60),
    theme=st.text(max_size=20),
    year=st.text(max_size=6),
    page=st.text(max_size=4),
)
def test_any_typed_text_answers_with_a_page(client, q, theme, year, page):
    response = client.get(SEARCH, {"q": q, "theme": theme, "year": year, "page": page})
    assert response.status_code == 200


# What a person may type that means something to SQL, to LIKE or to tsquery.
METACHARACTERS = [
    "O'Reilly",
    "''",
    '"',
    "\\",
    "back\\slash",
    "\\'; --",
    "'; DROP TABLE knowledge_searchdocument; --",
    "100%",
    "%",
    "_",
    "%_%",
    "%s",
    "%(q)s",
    "{}",
    "$1",
    "E'\\x00'",
    "& | ! : * ( )",
    "buurt & !bus",
    "buurt:*",
    "(buurt | bus)",
    "!!buurt",
    "buurt <-> bus",
    "x" * 5000,
    "buurt " * 2000,
]


@pytest.mark.parametrize("text", METACHARACTERS, ids=range(len(METACHARACTERS)))
def test_sql_and_tsquery_metacharacters_are_searched_as_text(client, text):
    """On PostgreSQL (CI) the words reach websearch_to_tsquery and the filters LIKE only as
    parameters: nothing typed is SQL or tsquery syntax, so nothing typed is an error, and a
    filter's % and _ are no wildcards."""
    ReportFactory(title="O'Reilly: 100% buurt_bus \\ plan (test) & meer", themes=["energie"])
    results = search.search(SearchParams(q=text))
    assert results.page.paginator.count in (0, 1)
    filtered = search.search(SearchParams(q=text, theme=text, audience=text))
    assert filtered.hits == [] and filtered.page.paginator.count == 0
    for value in (text, f"{text}\x00{text}"):  # the form turns NUL into a space
        assert client.get(SEARCH, {"q": value, "theme": value, "page": value}).status_code == 200


@pytest.mark.parametrize(
    "words", ["O'Reilly", "100%", "buurt_bus", "plan (test)", "buurt_bus & (test)"]
)
def test_words_among_metacharacters_still_find_their_item(words):
    ReportFactory(title="O'Reilly: 100% buurt_bus \\ plan (test) & meer", themes=["energie"])
    ReportFactory(title="Iets anders", themes=["energie"])
    assert _titles(search.search(SearchParams(q=words))) == [
        "O'Reilly: 100% buurt_bus \\ plan (test) & meer"
    ]


def _search_queries(django_assert_num_queries, client, count):
    for number in range(count):
        ReportFactory(title=f"Wijk rapport {number}", themes=["energie"], audiences=["gemeente"])
        FAQFactory(question=f"Wijk vraag {number}?")
        CaseDescriptionFactory(title=f"Wijk casus {number}")
    # PostgreSQL: one statement for every count and the page; the fallback: one grouped query
    # for the total and every facet, and the page. The themes and audiences the filters offer
    # come from the cache once a search page had them (two queries before).
    expected = 1 if connection.vendor == "postgresql" else 2
    with django_assert_num_queries(expected + 2):
        response = client.get(SEARCH, {"q": "wijk", "theme": "energie", "audience": "gemeente"})
    assert response.status_code == 200
    # only the reports have the theme and the audience
    assert response.content.decode().count("Wijk rapport ") == count
    with django_assert_num_queries(expected):
        response = client.get(SEARCH)
    assert response.status_code == 200


@pytest.mark.parametrize("count", [2, 12])
def test_search_query_count_does_not_grow_with_the_results(
    client, django_assert_num_queries, count
):
    _search_queries(django_assert_num_queries, client, count)


def test_search_results_are_paginated(client):
    for number in range(search.PAGE_SIZE + 3):
        ArticleFactory(title=f"Artikel nummer {number}")
    first = client.get(SEARCH).content.decode()
    assert "Pagina 1 van 2" in first and 'rel="next"' in first
    second = client.get(SEARCH, {"page": 2}).content.decode()
    assert second.count('class="kb-hit"') == 3


def test_a_cached_search_page_shows_new_and_withdrawn_items_at_once(client):
    from knowledge import services

    ReportFactory(title="Buurtkracht in cijfers")
    assert "Buurtkracht in cijfers" in client.get(SEARCH, {"q": "buurtkracht"}).content.decode()
    assert "Buurtkracht in cijfers" in client.get(SEARCH, {"q": "buurtkracht"}).content.decode()
    second = ArticleFactory(title="Buurtkracht in de praktijk")
    html = client.get(SEARCH, {"q": "buurtkracht"}).content.decode()
    assert "Buurtkracht in de praktijk" in html
    services.unpublish(second, by=None)
    assert (
        "Buurtkracht in de praktijk"
        not in client.get(SEARCH, {"q": "buurtkracht"}).content.decode()
    )


def test_a_page_past_the_last_shows_the_last_page(client):
    for number in range(search.PAGE_SIZE + 3):
        ArticleFactory(title=f"Wijkartikel nummer {number}")
    for query in ({}, {"q": "wijkartikel"}):
        for page in (99, "9" * 30):
            html = client.get(SEARCH, {**query, "page": page}).content.decode()
            assert "Pagina 2 van 2" in html
            assert html.count('class="kb-hit"') == 3


def test_a_renamed_audience_shows_in_the_filters_at_once(client):
    from knowledge.models import Audience

    ReportFactory(title="Voor de gemeente", audiences=["gemeente"])
    assert "Gemeenten (1)" in client.get(SEARCH).content.decode()
    audience = Audience.objects.get(slug="gemeente")
    audience.name = "Gemeenten en provincies"
    audience.save()
    assert "Gemeenten en provincies (1)" in client.get(SEARCH).content.decode()


def test_a_visitors_own_parameters_never_reach_the_cached_result_links(client):
    """Search results are cached per search: the next-page link keeps the search's own
    parameters and drops what a visitor added to the address."""
    for number in range(25):
        ArticleFactory(title=f"Buurtbus {number}")
    assert client.get(SEARCH, {"q": "buurtbus", "utm_source": "reclame"}).status_code == 200
    again = client.get(SEARCH, {"q": "buurtbus"}).content.decode()
    assert "utm_source" not in again
    assert 'href="?q=buurtbus&amp;page=2"' in again
