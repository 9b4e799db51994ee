"""The municipality page keeps what everyone sees in a cache: every change behind it shows at
once, a scheduled publication appears when its moment comes, and neither contact persons nor
anything of one visitor ever reaches another."""

from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from enterprises.models import EnterpriseStatus
from knowledge.models import Status
from pioneers.models import MilestoneStatus
from tests.factories import (
    AssetFactory,
    CaseDescriptionFactory,
    EnterpriseFactory,
    FAQCategoryFactory,
    FAQFactory,
    LessonFactory,
    MilestoneFactory,
    MunicipalityFactory,
    MunicipalOfficerFactory,
    OfficerLinkFactory,
    PioneerFactory,
    ReportFactory,
    StaffFactory,
    YearFiguresFactory,
)

pytestmark = pytest.mark.django_db

URL = "/gemeenten/cachedorp/"


@pytest.fixture
def town():
    town = MunicipalityFactory(name="Cachedorp", slug="cachedorp")
    for number in range(3):  # three reporting enterprises: the figures are shown
        enterprise = EnterpriseFactory(municipality=town, name=f"Buurtbedrijf {number}")
        YearFiguresFactory(enterprise=enterprise, year=timezone.localdate().year - 1)
    return town


@pytest.fixture
def pioneer(town):
    enterprise = town.enterprises.order_by("pk").first()
    return PioneerFactory(enterprise=enterprise, show_on_programme_page=True)


def _page(client) -> str:
    response = client.get(URL)
    assert response.status_code == 200
    return response.content.decode()


def _new_enterprise(town, pioneer):
    EnterpriseFactory(municipality=town, name="Nieuwe Wijkwinkel")
    return "Nieuwe Wijkwinkel"


def _renamed_enterprise(town, pioneer):
    enterprise = town.enterprises.order_by("pk").last()
    enterprise.name = "Omgedoopt Buurtbedrijf"
    enterprise.save()
    return "Omgedoopt Buurtbedrijf"


def _renamed_municipality(town, pioneer):
    town.name = "Cachestad"
    town.save()
    return "Gemeente Cachestad"


def _milestone_achieved(town, pioneer):
    MilestoneFactory(pioneer=pioneer, title="Pand gekocht", status=MilestoneStatus.ACHIEVED)
    return "Pand gekocht"


def _lesson_published(town, pioneer):
    LessonFactory(pioneer=pioneer, title="Huur eerst", published=True, published_at=timezone.now())
    return "Huur eerst"


def _report_published(town, pioneer):
    ReportFactory(title="Strategie voor Cachedorp", commissioning_municipality=town)
    return "Strategie voor Cachedorp"


def _case_published(town, pioneer):
    CaseDescriptionFactory(title="Zo kochten wij het pand", enterprise=pioneer.enterprise)
    return "Zo kochten wij het pand"


def _faq_for_municipalities(town, pioneer):
    FAQFactory(
        question="Wat kan de gemeente doen?",
        category=FAQCategoryFactory(slug="voor-gemeenten", name="Voor gemeenten"),
    )
    return "Wat kan de gemeente doen?"


@pytest.mark.parametrize(
    "change",
    [
        _new_enterprise,
        _renamed_enterprise,
        _renamed_municipality,
        _milestone_achieved,
        _lesson_published,
        _report_published,
        _case_published,
        _faq_for_municipalities,
    ],
)
def test_a_change_behind_the_cached_page_shows_at_once(client, town, pioneer, change):
    _page(client)  # cached now
    expected = change(town, pioneer)
    assert expected in _page(client)


def test_withdrawn_items_leave_the_cached_page_at_once(client, town, pioneer):
    report = ReportFactory(title="Oud rapport", commissioning_municipality=town)
    enterprise = EnterpriseFactory(municipality=town, name="Stoppend Bedrijf")
    assert "Oud rapport" in _page(client) and "Stoppend Bedrijf" in _page(client)
    report.status = Status.DRAFT
    report.published_at = None
    report.save()
    enterprise.status = EnterpriseStatus.CONCEPT
    enterprise.save()
    html = _page(client)
    assert "Oud rapport" not in html and "Stoppend Bedrijf" not in html


def test_new_assets_change_the_cached_figures(client, town):
    def buildings_row(html: str) -> str:
        row = html.split("Gebouwen in eigendom, huur of beheer")[1]
        return row.split("</tr>")[0]

    before = buildings_row(_page(client))
    for enterprise in town.enterprises.all():
        AssetFactory(enterprise=enterprise)
    after = buildings_row(_page(client))
    assert before != after
    assert 'data-label="Alle ondernemingen hier samen">3</td>' in after  # three buildings together


def test_a_scheduled_report_appears_when_its_moment_comes(client, town):
    moment = timezone.now() + timedelta(minutes=3)
    ReportFactory(title="Rapport van straks", commissioning_municipality=town, published_at=moment)
    assert "Rapport van straks" not in _page(client)
    with time_machine.travel(moment + timedelta(seconds=1), tick=False):
        assert "Rapport van straks" in _page(client)


def test_contact_persons_never_reach_a_visitor_who_may_not_see_them(client, town):
    enterprise = town.enterprises.order_by("pk").first()
    enterprise.municipality_may_contact = True
    enterprise.contact_name = "Fenna Contactpersoon"
    enterprise.contact_email = "fenna@buurtbedrijf.example"
    enterprise.save()
    client.force_login(StaffFactory())
    assert "fenna@buurtbedrijf.example" in _page(client)  # the variant with contacts is cached
    client.force_login(OfficerLinkFactory(municipality=town).user)
    assert "fenna@buurtbedrijf.example" in _page(client)
    for visitor in (MunicipalOfficerFactory(), OfficerLinkFactory().user):  # not linked here
        client.force_login(visitor)
        assert "fenna@buurtbedrijf.example" not in _page(client)
    client.logout()
    html = _page(client)
    assert "fenna@buurtbedrijf.example" not in html and "Fenna Contactpersoon" not in html


def test_the_visitor_parts_are_rendered_for_each_visitor(client, town):
    anonymous = _page(client)
    assert 'name="email"' in anonymous and "om een nieuwe brief te laten maken" in anonymous
    officer = MunicipalOfficerFactory()
    client.force_login(officer)
    html = _page(client)
    assert "Koppeling aanvragen" in html and 'name="email"' not in html
    assert "Volgen met mijn account" in html
    token = html.split('name="csrfmiddlewaretoken" value="')[1].split('"')[0]
    client.logout()
    assert token not in _page(client)


def test_the_page_shows_the_current_state_of_the_brief(client, town):
    from municipalities.models import BriefJob

    assert "De brief wordt gemaakt" not in _page(client)  # the page is cached now
    job = BriefJob.objects.create(municipality=town, input_hash="x" * 64)  # queued
    assert "De brief wordt gemaakt" in _page(client)
    # A worker changes the job with update(), which sends no signal.
    BriefJob.objects.filter(pk=job.pk).update(
        status="klaar", file="gemeenten/briefs/proef.pdf", pages=3, size_bytes=2048
    )
    html = _page(client)
    assert "De brief wordt gemaakt" not in html
    assert f"/gemeenten/cachedorp/brief/{job.pk}/pdf/" in html and "Download de brief" in html
    BriefJob.objects.filter(pk=job.pk).update(status="mislukt", error="Printer op zwart.")
    assert "Printer op zwart." in _page(client)
    job.delete()
    assert "Printer op zwart." not in _page(client)


def test_only_a_municipality_with_a_brief_reads_its_state(client, town, django_assert_num_queries):
    from municipalities.models import BriefJob

    _page(client)
    with django_assert_num_queries(0):
        _page(client)
    BriefJob.objects.create(municipality=town, input_hash="x" * 64)
    _page(client)
    with django_assert_num_queries(1):
        assert "De brief wordt gemaakt" in _page(client)
