"""Residents apply on behalf of their published enterprise; staff score and decide; the
applicants are told by e-mail; selection creates the pioneer's track."""

from datetime import timedelta

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from enterprises.models import EnterpriseStatus
from pioneers import services
from pioneers.models import Application, ApplicationStatus, Criterion, Pioneer, ReviewScore
from tests.factories import (
    ApplicationFactory,
    CohortFactory,
    EnterpriseFactory,
    MembershipFactory,
    StaffFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def resident_with_enterprise():
    user = UserFactory()
    enterprise = EnterpriseFactory(name="Wijkbedrijf De Stek")
    MembershipFactory(enterprise=enterprise, user=user)
    return user, enterprise


def test_a_member_starts_a_draft_saves_and_submits_it(client, resident_with_enterprise):
    user, enterprise = resident_with_enterprise
    cohort = CohortFactory()
    client.force_login(user)
    response = client.post(
        reverse("pioneers:apply"), {"enterprise": enterprise.pk, "cohort": cohort.pk}
    )
    application = Application.objects.get(enterprise=enterprise)
    assert response["Location"] == reverse("pioneers:application", args=[application.pk])

    url = reverse("pioneers:application", args=[application.pk])
    answers = {
        "answer_residents": "Van, voor en door bewoners.",
        "answer_ambition": "Het buurthuis kopen.",
        "flywheel_type": "gebouw-kopen",
        "answer_flywheel": "Met obligaties.",
        "answer_feasible": "Binnen drie jaar.",
        "answer_support": "Financiering.",
        "willing_to_help": "on",
        "answer_help_others": "Rondleidingen.",
        "contact_name": "Fatima",
        "contact_email": "fatima@example.org",
        "need_vastgoed": "Een taxatie van het gebouw",
    }
    client.post(url, {"answer_residents": "Alleen dit"})  # a draft may be incomplete
    application.refresh_from_db()
    assert application.is_draft and application.answer_residents == "Alleen dit"

    response = client.post(url, {**answers, "submit": ""})
    application.refresh_from_db()
    assert response["Location"] == reverse("pioneers:apply")
    assert application.status == ApplicationStatus.SUBMITTED
    assert application.submitted_by == user
    assert application.support_needs.get().description == "Een taxatie van het gebouw"


def test_submitting_an_incomplete_application_says_what_is_missing(
    client, resident_with_enterprise
):
    user, enterprise = resident_with_enterprise
    application = ApplicationFactory(enterprise=enterprise, answer_feasible="", contact_name="")
    client.force_login(user)
    response = client.post(
        reverse("pioneers:application", args=[application.pk]), {"submit": ""}, follow=True
    )
    html = response.content.decode()
    assert "Nog niet ingevuld" in html or "Nog te beantwoorden" in html
    application.refresh_from_db()
    assert application.is_draft


def test_the_draft_form_marks_what_submitting_needs_instead_of_calling_it_optional(
    client, resident_with_enterprise
):
    user, enterprise = resident_with_enterprise
    application = ApplicationFactory(enterprise=enterprise)
    client.force_login(user)
    html = client.get(reverse("pioneers:application", args=[application.pk])).content.decode()
    contact_name = html.split('for="id_contact_name"', 1)[1].split("</label>", 1)[0]
    contact_phone = html.split('for="id_contact_phone"', 1)[1].split("</label>", 1)[0]
    assert "(nodig om in te dienen)" in contact_name
    assert "(optioneel)" not in contact_name
    assert "(optioneel)" in contact_phone
    help_others = html.split('for="id_answer_help_others"', 1)[1].split("</label>", 1)[0]
    assert "(optioneel)" in help_others


def test_an_application_cannot_be_submitted_after_the_deadline(resident_with_enterprise):
    user, enterprise = resident_with_enterprise
    today = timezone.localdate()
    cohort = CohortFactory(
        applications_open=today - timedelta(days=30),
        applications_close=today - timedelta(days=1),
        period_start=today + timedelta(days=30),
        period_end=today + timedelta(days=1000),
    )
    application = ApplicationFactory(enterprise=enterprise, cohort=cohort)
    with pytest.raises(ValidationError, match="uiterste datum is voorbij"):
        services.submit_application(application, by=user)
    # on the last day itself it is still possible
    services.submit_application(application, by=user, today=cohort.applications_close)


def test_rolling_recruitment_keeps_a_running_cohort_open(resident_with_enterprise):
    user, enterprise = resident_with_enterprise
    today = timezone.localdate()
    cohort = CohortFactory(
        applications_open=today - timedelta(days=500),
        applications_close=today - timedelta(days=400),
        rolling_recruitment=True,
    )
    assert cohort.accepts_applications(today)
    services.submit_application(ApplicationFactory(enterprise=enterprise, cohort=cohort), by=user)


def test_only_members_of_a_published_enterprise_can_apply(client):
    user = UserFactory()
    concept = EnterpriseFactory(status=EnterpriseStatus.CONCEPT, published_at=None)
    MembershipFactory(enterprise=concept, user=user)
    foreign = EnterpriseFactory()
    cohort = CohortFactory()
    client.force_login(user)
    for enterprise in (concept, foreign):
        response = client.post(
            reverse("pioneers:apply"), {"enterprise": enterprise.pk, "cohort": cohort.pk}
        )
        assert response.status_code == 200  # the form refuses the choice
    assert not Application.objects.exists()
    assert (
        "Alleen leden van een gepubliceerde"
        in client.get(reverse("pioneers:apply")).content.decode()
    )


def test_a_non_member_cannot_submit_someone_elses_application(resident_with_enterprise):
    _user, enterprise = resident_with_enterprise
    application = ApplicationFactory(enterprise=enterprise)
    with pytest.raises(Exception):  # noqa: B017 - PermissionDenied
        services.submit_application(application, by=UserFactory())


def test_staff_scores_side_by_side_and_the_selection_mails_and_creates_the_track(
    client, django_capture_on_commit_callbacks, resident_with_enterprise
):
    user, enterprise = resident_with_enterprise
    application = ApplicationFactory(
        enterprise=enterprise, status="ingediend", submitted_at=timezone.now()
    )
    first, second = StaffFactory(first_name="Anna"), StaffFactory(first_name="Bert")
    services.score_application(
        application, by=first, scores={"ambitie": (5, "Sterk"), "haalbaar": (2, "Krap")}
    )
    client.force_login(second)
    url = reverse("pioneers:review", args=[application.pk])
    scores = {f"score_{criterion.value}": "4" for criterion in Criterion}
    client.post(url, {**scores, "comment_ambitie": "Mooi plan"})
    assert ReviewScore.objects.filter(application=application).count() == 8
    html = client.get(url).content.decode()
    assert "Sterk" in html and "Mooi plan" in html

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            url, {"decision": "geselecteerd", "message": "Welkom!", "decide": ""}
        )
    assert response.status_code == 302
    pioneer = Pioneer.objects.get(enterprise=enterprise)
    assert pioneer.ambition == application.answer_ambition
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == [user.email]
    assert "geselecteerd" in mail.outbox[0].subject
    assert "Welkom!" in mail.outbox[0].body
    assert pioneer.get_absolute_url() in mail.outbox[0].body


def test_declined_and_waiting_list_are_told_without_a_track(
    django_capture_on_commit_callbacks, submitted_application
):
    staff = StaffFactory()
    for decision in ("afgewezen", "wachtlijst"):
        with django_capture_on_commit_callbacks(execute=True):
            services.decide(submitted_application, by=staff, decision=decision)
    assert len(mail.outbox) == 2
    assert "wachtlijst" in mail.outbox[1].body
    assert not Pioneer.objects.filter(application=submitted_application).exists()


def test_selecting_ties_the_application_to_the_track_staff_already_started(
    client, pioneer, submitted_application
):
    """The track of this enterprise in this cohort was made in the admin before the decision:
    selecting must not fail on the one-track-per-cohort constraint (it answered 500)."""
    assert pioneer.application is None
    client.force_login(StaffFactory())
    response = client.post(
        reverse("pioneers:review", args=[submitted_application.pk]),
        {"decision": "geselecteerd", "message": "", "decide": ""},
    )
    assert response.status_code == 302
    pioneer.refresh_from_db()
    assert pioneer.application == submitted_application
    assert Pioneer.objects.filter(enterprise=pioneer.enterprise).count() == 1


def test_applicants_never_see_the_reviewers_scores(client, member, submitted_application):
    services.score_application(
        submitted_application,
        by=StaffFactory(),
        scores={"ambitie": (1, "Geheim oordeel van de commissie")},
    )
    client.force_login(member)
    page = client.get(reverse("pioneers:application", args=[submitted_application.pk]))
    assert page.status_code == 200
    assert "Geheim oordeel" not in page.content.decode()
    assert (
        client.get(reverse("pioneers:review", args=[submitted_application.pk])).status_code == 404
    )
    client.logout()
    assert "Geheim oordeel" not in client.get(reverse("pioneers:index")).content.decode()


def test_a_submitted_application_can_no_longer_be_changed(client, member, submitted_application):
    client.force_login(member)
    response = client.post(
        reverse("pioneers:application", args=[submitted_application.pk]),
        {"answer_ambition": "Iets anders"},
    )
    assert response.status_code == 403
    submitted_application.refresh_from_db()
    assert submitted_application.answer_ambition != "Iets anders"


def _select(enterprise, cohort):
    application = ApplicationFactory(
        enterprise=enterprise, cohort=cohort, status="ingediend", submitted_at=timezone.now()
    )
    services.decide(application, by=StaffFactory(), decision=ApplicationStatus.SELECTED)
    return Pioneer.objects.get(application=application)


def test_a_selected_track_is_named_after_its_enterprise_and_its_cohort_when_taken():
    enterprise = EnterpriseFactory(slug="de-stek")
    first = _select(enterprise, CohortFactory(slug="wijkbv-2025"))
    second = _select(enterprise, CohortFactory(slug="wijkbv-2026"))
    assert (first.slug, second.slug) == ("de-stek", "de-stek-wijkbv-2026")


def test_a_track_never_takes_a_programme_url_as_its_slug():
    pioneer = _select(EnterpriseFactory(slug="mengpaneel"), CohortFactory())
    assert pioneer.slug == "mengpaneel-1"
