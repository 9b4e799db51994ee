"""The database itself refuses what the programme never allows.

Each refusal is matched on the constraint that refuses it (PostgreSQL and SQLite name a check
constraint; SQLite names a unique constraint's columns instead), so that a row refused for
another reason (a missing foreign key, say) cannot pass for the constraint at work. Each test
then stores the good row beside it, so the constraint refuses only what it should."""

from datetime import timedelta

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from pioneers.models import Application, Area, Cohort, Element, Reading, ReadingValue, ReviewScore
from tests.factories import ApplicationFactory, CohortFactory, StaffFactory, make_reading

pytestmark = pytest.mark.django_db

ONE_APPLICATION_PER_COHORT = (
    r"application_one_per_enterprise_and_cohort"
    r"|pioneers_application\.enterprise_id, pioneers_application\.cohort_id"
)


def _catalogue_element() -> Element:
    element = Element.objects.filter(pioneer__isnull=True).first()
    assert element is not None  # the migrations put the catalogue in place
    return element


@pytest.mark.parametrize(
    ("position", "refused_by"),
    [
        # Below 0 the column's own check (a positive integer field) may answer first.
        (-1, "position"),
        (101, "readingvalue_position_0_to_100"),
        (250, "readingvalue_position_0_to_100"),
    ],
)
def test_a_fader_position_outside_0_to_100_is_refused_by_the_database(
    pioneer, position, refused_by
):
    reading = Reading.objects.create(pioneer=pioneer, taken_on=timezone.localdate())
    element = _catalogue_element()
    with pytest.raises(IntegrityError, match=refused_by), transaction.atomic():
        ReadingValue.objects.create(reading=reading, element=element, position=position)
    assert not ReadingValue.objects.exists()
    ReadingValue.objects.create(reading=reading, element=element, position=50)
    assert list(reading.values.values_list("position", flat=True)) == [50]


@pytest.mark.parametrize("position", [0, 100])
def test_the_ends_of_the_fader_are_allowed(pioneer, position):
    reading = Reading.objects.create(pioneer=pioneer, taken_on=timezone.localdate())
    ReadingValue.objects.create(reading=reading, element=_catalogue_element(), position=position)
    assert reading.values.get().position == position


def test_a_second_application_of_the_same_enterprise_for_a_cohort_is_refused(pioneer):
    cohort = CohortFactory()
    first = ApplicationFactory(enterprise=pioneer.enterprise, cohort=cohort)
    with pytest.raises(IntegrityError, match=ONE_APPLICATION_PER_COHORT), transaction.atomic():
        ApplicationFactory(enterprise=pioneer.enterprise, cohort=cohort)
    assert list(Application.objects.filter(cohort=cohort)) == [first]


def test_the_same_enterprise_may_apply_for_another_cohort(pioneer):
    first = ApplicationFactory(enterprise=pioneer.enterprise)
    second = ApplicationFactory(enterprise=pioneer.enterprise)
    assert first.cohort != second.cohort
    assert set(
        Application.objects.filter(enterprise=pioneer.enterprise).values_list("cohort", flat=True)
    ) == {first.cohort.pk, second.cohort.pk}


@pytest.mark.parametrize("score", [0, 6])
def test_a_review_score_outside_1_to_5_is_refused_by_the_database(submitted_application, score):
    reviewer = StaffFactory()
    with pytest.raises(IntegrityError, match="reviewscore_score_1_to_5"), transaction.atomic():
        ReviewScore.objects.create(
            application=submitted_application, reviewer=reviewer, criterion="ambitie", score=score
        )
    assert not ReviewScore.objects.exists()


@pytest.mark.parametrize("score", [1, 5])
def test_the_ends_of_the_review_score_are_allowed(submitted_application, score):
    ReviewScore.objects.create(
        application=submitted_application, reviewer=StaffFactory(), criterion="ambitie", score=score
    )
    assert submitted_application.scores.get().score == score


def test_a_submitted_application_must_have_a_submission_date(pioneer):
    cohort = CohortFactory()
    with (
        pytest.raises(IntegrityError, match="application_submitted_has_date"),
        transaction.atomic(),
    ):
        ApplicationFactory(
            enterprise=pioneer.enterprise, cohort=cohort, status="ingediend", submitted_at=None
        )
    assert not Application.objects.filter(cohort=cohort).exists()
    ApplicationFactory(enterprise=pioneer.enterprise, cohort=cohort, status="concept")
    submitted = ApplicationFactory(
        enterprise=pioneer.enterprise, status="ingediend", submitted_at=timezone.now()
    )
    assert Application.objects.get(cohort=cohort).submitted_at is None  # a draft needs none
    assert Application.objects.get(pk=submitted.pk).submitted_at is not None


def test_a_reading_is_never_overwritten(pioneer):
    reading = make_reading(pioneer)
    reading.note = "Achteraf aangepast"
    with pytest.raises(ValueError, match="never changed"):
        reading.save()
    assert Reading.objects.get(pk=reading.pk).note == ""


@pytest.mark.parametrize("days_after_start", [0, -1])
def test_a_cohort_must_end_after_it_starts(days_after_start):
    cohort = CohortFactory.build()
    cohort.period_end = cohort.period_start + timedelta(days=days_after_start)
    with (
        pytest.raises(IntegrityError, match="cohort_period_ends_after_start"),
        transaction.atomic(),
    ):
        cohort.save()
    assert not Cohort.objects.filter(slug=cohort.slug).exists()
    cohort.period_end = cohort.period_start + timedelta(days=1)
    cohort.save()
    assert Cohort.objects.get(slug=cohort.slug).period_end == cohort.period_end


def test_the_default_elements_and_areas_are_in_place():
    names = set(Element.objects.filter(pioneer__isnull=True).values_list("name", flat=True))
    assert {"Eigenaarschap", "Zeggenschap", "Worteling in de wijk", "Impact op energie"} <= names
    assert all(e.low_meaning and e.high_meaning for e in Element.objects.all())
    assert set(Area.objects.values_list("name", flat=True)) >= {
        "Vastgoed",
        "Onderhandelen",
        "Mediation",
        "Juridisch",
        "Community building",
        "Zorg",
        "Energie",
        "Financiering",
    }
