"""The database itself refuses what the programme never allows."""

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from pioneers.models import Element, Reading, ReadingValue, ReviewScore
from tests.factories import ApplicationFactory, CohortFactory, StaffFactory, make_reading

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("position", [-1, 101, 250])
def test_a_fader_position_outside_0_to_100_is_refused_by_the_database(pioneer, position):
    reading = Reading.objects.create(pioneer=pioneer, taken_on=timezone.localdate())
    element = Element.objects.filter(pioneer__isnull=True).first()
    with pytest.raises(IntegrityError), transaction.atomic():
        ReadingValue.objects.create(reading=reading, element=element, position=position)


@pytest.mark.parametrize("position", [0, 100])
def test_the_ends_of_the_fader_are_allowed(pioneer, position):
    reading = Reading.objects.create(pioneer=pioneer, taken_on=timezone.localdate())
    element = Element.objects.filter(pioneer__isnull=True).first()
    ReadingValue.objects.create(reading=reading, element=element, position=position)
    assert reading.values.get().position == position


def test_a_second_application_of_the_same_enterprise_for_a_cohort_is_refused(pioneer):
    cohort = CohortFactory()
    ApplicationFactory(enterprise=pioneer.enterprise, cohort=cohort)
    with pytest.raises(IntegrityError), transaction.atomic():
        ApplicationFactory(enterprise=pioneer.enterprise, cohort=cohort)


def test_the_same_enterprise_may_apply_for_another_cohort(pioneer):
    ApplicationFactory(enterprise=pioneer.enterprise)
    ApplicationFactory(enterprise=pioneer.enterprise)


@pytest.mark.parametrize("score", [0, 6])
def test_a_review_score_outside_1_to_5_is_refused_by_the_database(submitted_application, score):
    with pytest.raises(IntegrityError), transaction.atomic():
        ReviewScore.objects.create(
            application=submitted_application,
            reviewer=StaffFactory(),
            criterion="ambitie",
            score=score,
        )


def test_a_submitted_application_must_have_a_submission_date(pioneer):
    with pytest.raises(IntegrityError), transaction.atomic():
        ApplicationFactory(enterprise=pioneer.enterprise, status="ingediend", submitted_at=None)


def test_a_reading_is_never_overwritten(pioneer):
    reading = make_reading(pioneer)
    reading.note = "Achteraf aangepast"
    with pytest.raises(ValueError, match="never changed"):
        reading.save()


def test_a_cohort_must_end_after_it_starts():
    cohort = CohortFactory.build()
    cohort.period_end = cohort.period_start
    with pytest.raises(IntegrityError), transaction.atomic():
        cohort.save()


def test_the_default_elements_and_areas_are_in_place():
    names = set(Element.objects.filter(pioneer__isnull=True).values_list("name", flat=True))
    assert {"Eigenaarschap", "Zeggenschap", "Worteling in de wijk", "Impact op energie"} <= names
    assert all(e.low_meaning and e.high_meaning for e in Element.objects.all())
