"""Staff track a pioneer: readings of the mengpaneel, milestones, log, support plan, lessons;
the dashboard shows what needs attention; pages keep their query count whatever the history."""

from datetime import timedelta

import pytest
from django.apps import apps
from django.core.cache import cache
from django.db.models import Model
from django.urls import reverse
from django.utils import timezone

from lsa_portal.models import AuditEntry
from pioneers.models import Element, Reading, ReadingValue
from tests.factories import (
    ExpertFactory,
    LessonFactory,
    LogEntryFactory,
    MilestoneFactory,
    PioneerFactory,
    SupportItemFactory,
    make_reading,
)

pytestmark = pytest.mark.django_db


def _positions(pioneer, value=50, **overrides):
    data = {"taken_on": timezone.localdate().isoformat(), "note": ""}
    for element in Element.objects.filter(pioneer__isnull=True, active=True):
        data[f"position_{element.pk}"] = str(overrides.get(element.slug, value))
        data[f"note_{element.pk}"] = ""
    return data


def _programme_rows() -> dict:
    """Every row of the programme's tables and of the audit log: what a refused request must
    leave as it was."""
    models: list[type[Model]] = [*apps.get_app_config("pioneers").get_models(), AuditEntry]
    return {
        model.__name__: list(model._default_manager.order_by("pk").values()) for model in models
    }


def test_the_reading_form_starts_from_the_last_reading(client, staff, pioneer):
    make_reading(pioneer, timezone.localdate() - timedelta(days=90), position=37)
    client.force_login(staff)
    html = client.get(reverse("pioneers:reading_new", args=[pioneer.slug])).content.decode()
    assert 'value="37"' in html
    assert "Eigenaarschap" in html


def test_a_new_reading_is_added_and_the_old_one_kept(client, staff, pioneer):
    old = make_reading(pioneer, timezone.localdate() - timedelta(days=90), position=30)
    client.force_login(staff)
    response = client.post(
        reverse("pioneers:reading_new", args=[pioneer.slug]),
        {**_positions(pioneer, 30, eigenaarschap=45), "save": ""},
    )
    assert response.status_code == 302
    assert Reading.objects.filter(pioneer=pioneer).count() == 2
    assert set(old.values.values_list("position", flat=True)) == {30}
    page = client.get(reverse("pioneers:pioneer", args=[pioneer.slug])).content.decode()
    assert "+15" in page  # what moved since the last reading
    assert 'role="img"' in page and "<title" in page


def test_preview_shows_what_moves_without_saving(client, staff, pioneer):
    make_reading(pioneer, timezone.localdate() - timedelta(days=90), position=30)
    client.force_login(staff)
    response = client.post(
        reverse("pioneers:reading_new", args=[pioneer.slug]),
        {**_positions(pioneer, 30, zeggenschap=20), "preview": ""},
    )
    assert response.status_code == 200
    assert "\u221210" in response.content.decode()
    assert Reading.objects.filter(pioneer=pioneer).count() == 1


@pytest.mark.parametrize("typed", ["101", "-5", "veel", "", "50.5"])
def test_a_position_outside_0_to_100_is_refused_with_a_dutch_message(client, staff, pioneer, typed):
    client.force_login(staff)
    before = _programme_rows()
    response = client.post(
        reverse("pioneers:reading_new", args=[pioneer.slug]),
        {**_positions(pioneer, 50, eigenaarschap=typed), "save": ""},
    )
    assert response.status_code == 200
    assert "Vul een heel getal van 0 tot en met 100 in." in response.content.decode()
    assert not Reading.objects.exists()
    assert _programme_rows() == before


def test_a_reading_in_the_future_is_refused(client, staff, pioneer):
    client.force_login(staff)
    data = _positions(pioneer)
    data["taken_on"] = (timezone.localdate() + timedelta(days=3)).isoformat()
    before = _programme_rows()
    response = client.post(reverse("pioneers:reading_new", args=[pioneer.slug]), data)
    assert response.status_code == 200
    assert "Een stand kan niet in de toekomst liggen." in response.content.decode()
    assert not Reading.objects.exists()
    assert _programme_rows() == before


def test_an_extra_element_belongs_to_one_pioneer_only(client, staff, pioneer):
    other = PioneerFactory(cohort=pioneer.cohort)
    client.force_login(staff)
    client.post(
        reverse("pioneers:element_new", args=[pioneer.slug]),
        {"name": "Ledenbetrokkenheid", "low_meaning": "Passief", "high_meaning": "Actief"},
    )
    assert Element.objects.get(name="Ledenbetrokkenheid").pioneer == pioneer
    mine = client.get(reverse("pioneers:reading_new", args=[pioneer.slug])).content.decode()
    theirs = client.get(reverse("pioneers:reading_new", args=[other.slug])).content.decode()
    assert "Ledenbetrokkenheid" in mine and "Ledenbetrokkenheid" not in theirs


def test_history_shows_each_faders_movement_as_svg_and_table(client, member, pioneer):
    start = pioneer.cohort.period_start
    for quarter, position in enumerate((20, 35, 60)):
        make_reading(pioneer, start + timedelta(days=91 * quarter), position=position)
    client.force_login(member)
    html = client.get(reverse("pioneers:history", args=[pioneer.slug])).content.decode()
    assert "Eigenaarschap: van 20" in html  # the text alternative of the step line
    assert "+40" in html
    assert html.count('class="step-line"') >= 11


def test_comparison_shows_every_pioneer_on_one_element(client, staff, pioneer):
    other = PioneerFactory(cohort=pioneer.cohort)
    make_reading(pioneer, position=70)
    make_reading(other, position=20)
    client.force_login(staff)
    html = client.get(
        reverse("pioneers:compare", args=["zeggenschap"]) + f"?cohort={pioneer.cohort.slug}"
    ).content.decode()
    assert pioneer.enterprise.name in html and other.enterprise.name in html
    assert "Zeggenschap voor elke pionier" in html


def test_the_dashboard_says_what_needs_attention(client, staff, pioneer):
    today = timezone.localdate()
    MilestoneFactory(pioneer=pioneer, due_date=today - timedelta(days=5), title="Bod uitbrengen")
    MilestoneFactory(pioneer=pioneer, status="behaald", due_date=today - timedelta(days=50))
    LogEntryFactory(pioneer=pioneer, date=today - timedelta(days=100))
    SupportItemFactory(pioneer=pioneer, hours_planned=10, hours_spent=14)
    client.force_login(staff)
    html = client.get(reverse("pioneers:dashboard")).content.decode()
    assert pioneer.enterprise.name in html
    assert "1 te laat" in html
    assert "al 100 dagen geen contact" in html
    assert "nog geen stand van het mengpaneel" in html
    assert "boven de geplande uren" in html


def test_the_dashboard_counts_in_dutch_plurals(client, staff, pioneer):
    """'1 mijlpaal', '2 mijlpalen': never 'mijlpaal/mijlpalen'."""
    today = timezone.localdate()
    MilestoneFactory(pioneer=pioneer, due_date=today - timedelta(days=5))
    SupportItemFactory(pioneer=pioneer, hours_planned=10, hours_spent=14)
    client.force_login(staff)
    html = client.get(reverse("pioneers:dashboard")).content.decode()
    assert "1 mijlpaal over de streefdatum" in html
    assert "1 onderdeel van de ondersteuning boven de geplande uren" in html
    MilestoneFactory(pioneer=pioneer, due_date=today - timedelta(days=9))
    SupportItemFactory(pioneer=pioneer, hours_planned=1, hours_spent=2)
    html = client.get(reverse("pioneers:dashboard")).content.decode()
    assert "2 mijlpalen over de streefdatum" in html
    assert "2 onderdelen van de ondersteuning boven de geplande uren" in html
    assert "/mijlpalen" not in html and "/onderdelen" not in html


def test_staff_publish_and_withdraw_lessons_on_the_lessons_page(client, staff, pioneer):
    lesson = LessonFactory(pioneer=pioneer, title="Huur eerst, koop later")
    client.force_login(staff)
    page_url = reverse("pioneers:pioneer", args=[pioneer.slug])
    lessons_url = reverse("pioneers:lessons", args=[pioneer.slug])
    page = client.get(page_url).content.decode()
    assert "Huur eerst, koop later" in page and "Niet gepubliceerd" in page
    assert f'href="{lessons_url}"' in page  # the buttons live on the lessons page
    assert "csrfmiddlewaretoken" not in page.split('id="main"')[1].split("</main>")[0]
    lessons = client.get(lessons_url).content.decode()
    publish_url = reverse("pioneers:lesson_publish", args=[pioneer.slug, lesson.pk])
    assert f'action="{publish_url}"' in lessons and "Publiceren" in lessons
    response = client.post(publish_url, {"publish": "1"}, follow=True)
    assert response.redirect_chain[-1][0] == lessons_url
    assert "De les is gepubliceerd." in response.content.decode()
    assert "Publicatie intrekken" in response.content.decode()
    assert "Gepubliceerd" in client.get(page_url).content.decode()  # the cached page moved on
    client.post(publish_url, {"publish": "0"})
    lesson.refresh_from_db()
    assert not lesson.published
    assert "Niet gepubliceerd" in client.get(page_url).content.decode()


def test_members_see_a_lesson_on_their_cached_page_once_it_is_published(
    client, staff, member, pioneer
):
    lesson = LessonFactory(pioneer=pioneer, title="Praat met de corporatie")
    url = reverse("pioneers:pioneer", args=[pioneer.slug])
    client.force_login(member)
    assert "Praat met de corporatie" not in client.get(url).content.decode()  # a draft
    client.force_login(staff)
    client.post(reverse("pioneers:lesson_publish", args=[pioneer.slug, lesson.pk]))
    client.force_login(member)
    html = client.get(url).content.decode()
    assert "Praat met de corporatie" in html
    assert reverse("pioneers:lessons", args=[pioneer.slug]) not in html  # no staff links


def test_publishing_a_lesson_shows_it_on_the_programme_page(client, staff, pioneer):
    lesson = LessonFactory(pioneer=pioneer, title="Begin bij de huurders")
    assert "Begin bij de huurders" not in client.get(reverse("pioneers:index")).content.decode()
    client.force_login(staff)
    client.post(reverse("pioneers:lesson_publish", args=[pioneer.slug, lesson.pk]))
    lesson.refresh_from_db()
    assert lesson.published and lesson.published_at
    client.logout()
    assert "Begin bij de huurders" in client.get(reverse("pioneers:index")).content.decode()


def test_the_programme_page_shows_only_pioneers_that_agreed(client, pioneer):
    hidden = PioneerFactory(cohort=pioneer.cohort, ambition="Geheime ambitie")
    pioneer.show_on_programme_page = True
    pioneer.save()
    html = client.get(reverse("pioneers:index")).content.decode()
    assert pioneer.enterprise.name in html
    assert hidden.enterprise.name not in html
    assert "Van, voor en door bewoners" in html  # the six criteria
    assert "Geheime ambitie" not in html


def test_staff_search_experts_by_area_and_see_whom_they_support(client, staff, pioneer):
    from pioneers.models import Area

    vastgoed, zorg = Area.objects.get(slug="vastgoed"), Area.objects.get(slug="zorg")
    builder = ExpertFactory(name="Vera Vastgoed", areas=[vastgoed])
    ExpertFactory(name="Zeno Zorg", areas=[zorg])
    SupportItemFactory(pioneer=pioneer, expert=builder, area=vastgoed)
    client.force_login(staff)
    html = client.get(reverse("pioneers:experts") + "?gebied=vastgoed").content.decode()
    assert "Vera Vastgoed" in html and "Zeno Zorg" not in html
    detail = client.get(reverse("pioneers:expert", args=[builder.pk])).content.decode()
    assert pioneer.enterprise.name in detail


def test_staff_add_a_log_entry_and_a_milestone(client, staff, pioneer):
    client.force_login(staff)
    client.post(
        reverse("pioneers:log_new", args=[pioneer.slug]),
        {"kind": "overleg", "date": "1-3-2026", "text": "Gesprek", "visibility": "gedeeld"},
    )
    entry = pioneer.log_entries.get()
    assert entry.author == staff and entry.date.isoformat() == "2026-03-01"
    client.post(
        reverse("pioneers:milestone_new", args=[pioneer.slug]),
        {"title": "Koopakte", "due_date": "2026-06-30", "status": "behaald"},
    )
    assert pioneer.milestones.get().achieved_on == timezone.localdate()


@pytest.mark.parametrize(
    ("url", "status"),
    [
        # A cohort, area or page number that means nothing is ignored: the page as without it.
        ("/wijkbv/pioniers/?cohort=%00%ff", 200),
        ("/wijkbv/experts/?gebied=%00&q=a%00b", 200),
        ("/wijkbv/mengpaneel/zeggenschap/?cohort=%00", 200),
        ("/wijkbv/beoordelen/?cohort=" + "x" * 500, 200),
        ("/wijkbv/experts/?gebied=<script>&q=" + "%" * 50, 200),
        ("/wijkbv/pioniers/het-badhuis/logboek/?pagina=abc", 200),
        # Something in the path that does not exist is not found.
        ("/wijkbv/pioniers/bestaat-niet/", 404),
        ("/wijkbv/beoordelen/999999/", 404),
        ("/wijkbv/experts/99999999999999999999/", 404),  # beyond any key the database holds
        ("/wijkbv/mengpaneel/bestaat-niet/", 404),
        ("/wijkbv/pioniers/het-badhuis/mijlpalen/999/", 404),
    ],
)
def test_anything_typed_in_the_address_bar_gives_a_page_not_an_error(
    client, staff, pioneer, url, status
):
    client.force_login(staff)
    before = _programme_rows()
    assert client.get(url).status_code == status
    assert _programme_rows() == before


def _grow(pioneer, size):
    start = pioneer.cohort.period_start
    for number in range(size):
        make_reading(pioneer, start + timedelta(days=30 * number), position=number % 100)
        MilestoneFactory(pioneer=pioneer, due_date=start + timedelta(days=40 * number))
        LogEntryFactory(pioneer=pioneer, date=start + timedelta(days=20 * number))
        LogEntryFactory(pioneer=pioneer, visibility="intern")
    SupportItemFactory.create_batch(size, pioneer=pioneer)
    LessonFactory.create_batch(size, pioneer=pioneer)


@pytest.mark.parametrize("size", [1, 12])
def test_dashboard_queries_do_not_grow_with_the_history(
    client, staff, pioneer, django_assert_num_queries, size
):
    for _ in range(size // 4 + 1):
        _grow(PioneerFactory(cohort=pioneer.cohort), size)
    _grow(pioneer, size)
    client.force_login(staff)
    client.get(reverse("pioneers:dashboard"))
    cache.clear()  # the rendered list is cached: count the queries of the cold path
    with django_assert_num_queries(7):
        assert client.get(reverse("pioneers:dashboard")).status_code == 200
    with django_assert_num_queries(1):  # the user with its roles (session and page are cached)
        assert client.get(reverse("pioneers:dashboard")).status_code == 200


@pytest.mark.parametrize("size", [1, 12])
def test_pioneer_page_queries_do_not_grow_with_the_history(
    client, staff, member, pioneer, django_assert_num_queries, size
):
    _grow(pioneer, size)
    url = reverse("pioneers:pioneer", args=[pioneer.slug])
    client.force_login(staff)
    with django_assert_num_queries(9):
        assert client.get(url).status_code == 200
    with django_assert_num_queries(1):  # cached: only the user with its roles
        assert client.get(url).status_code == 200
    client.force_login(member)
    with django_assert_num_queries(10):
        assert client.get(url).status_code == 200
    with django_assert_num_queries(2):  # cached: the user with its roles, the membership
        assert client.get(url).status_code == 200


def test_the_cached_pioneer_page_differs_per_role_and_shows_a_change_at_once(
    client, staff, member, pioneer
):
    LogEntryFactory(pioneer=pioneer, text="Interne zorg", visibility="intern")
    url = reverse("pioneers:pioneer", args=[pioneer.slug])
    client.force_login(staff)
    assert "Interne zorg" in client.get(url).content.decode()
    client.force_login(member)
    assert "Interne zorg" not in client.get(url).content.decode()  # not the staff fragment
    LogEntryFactory(pioneer=pioneer, text="Nieuw gedeeld verslag")
    assert "Nieuw gedeeld verslag" in client.get(url).content.decode()


def test_the_cached_pioneer_page_never_reaches_a_role_it_is_not_for(
    client, staff, member, other_resident, pioneer
):
    LogEntryFactory(pioneer=pioneer, text="Interne zorg", visibility="intern")
    LessonFactory(pioneer=pioneer, title="Nog een concept")
    url = reverse("pioneers:pioneer", args=[pioneer.slug])
    client.force_login(member)  # the member's fragment is made first this time
    html = client.get(url).content.decode()
    assert "Interne zorg" not in html and "Nog een concept" not in html
    client.force_login(staff)
    html = client.get(url).content.decode()
    assert "Interne zorg" in html and "Nog een concept" in html  # not the member's fragment
    client.force_login(other_resident)
    assert client.get(url).status_code == 404  # both fragments are cached, still no entry
    client.logout()
    assert client.get(url).status_code == 302


def test_a_deleted_pioneer_is_gone_from_the_cached_page_at_once(client, staff, pioneer):
    url = reverse("pioneers:pioneer", args=[pioneer.slug])
    client.force_login(staff)
    assert client.get(url).status_code == 200
    pioneer.delete()
    assert client.get(url).status_code == 404
    assert client.get(reverse("pioneers:pioneer", args=["bestaat-niet"])).status_code == 404


def test_the_cached_pioneer_page_follows_a_new_name_of_an_author(client, staff, pioneer):
    LogEntryFactory(pioneer=pioneer, author=staff, text="Overleg over de huur")
    url = reverse("pioneers:pioneer", args=[pioneer.slug])
    client.force_login(staff)
    client.get(url)
    staff.first_name, staff.last_name = "Roos", "Verhagen"
    staff.save()
    assert "Roos Verhagen" in client.get(url).content.decode()


@pytest.mark.parametrize("size", [1, 12])
def test_history_queries_do_not_grow_with_the_readings(
    client, staff, pioneer, django_assert_num_queries, size
):
    _grow(pioneer, size)
    client.force_login(staff)
    with django_assert_num_queries(5):
        assert client.get(reverse("pioneers:history", args=[pioneer.slug])).status_code == 200


def test_reading_values_are_kept_per_element(pioneer):
    reading = make_reading(pioneer, position=42)
    assert (
        ReadingValue.objects.filter(reading=reading).count()
        == Element.objects.filter(pioneer__isnull=True, active=True).count()
    )


def test_milestone_dates_are_written_out_in_dutch(client, staff, pioneer):
    from datetime import date

    MilestoneFactory(pioneer=pioneer, due_date=date(2027, 3, 1), title="Pand in beheer")
    client.force_login(staff)
    html = client.get(reverse("pioneers:pioneer", args=[pioneer.slug])).content.decode()
    assert "1 maart 2027" in html and "Mrt" not in html
