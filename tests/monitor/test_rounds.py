"""Reporting rounds with the clock frozen: who is invited and mailed, which reminder goes when
and to whom (never twice, never after the deadline), closing and correcting the monitor."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from celery.schedules import crontab
from django.conf import settings
from django.core import mail
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import translation

from enterprises import services as enterprise_services
from enterprises.models import EnterpriseStatus, MembershipRole
from lsa_portal.models import AuditAction, AuditEntry
from monitor import selectors, services, tasks
from monitor.models import MonitorEdition, ReportingRound, RoundInvitation, RoundReminder
from tests.factories import (
    EnterpriseFactory,
    MembershipFactory,
    StaffFactory,
    UserFactory,
    YearFiguresFactory,
)

pytestmark = pytest.mark.django_db

AMSTERDAM = ZoneInfo("Europe/Amsterdam")
YEAR = 2025
OPENED = datetime(2026, 3, 1, 10, tzinfo=AMSTERDAM)
DEADLINE = date(2026, 4, 1)  # the 14-day reminder falls on 18 March, the 3-day one on 29 March


def at(day: date, hour: int = 8) -> datetime:
    return datetime(day.year, day.month, day.day, hour, tzinfo=AMSTERDAM)


def enterprise_with(*roles: str, **kwargs):
    """An enterprise with one member per role given (none: kept by staff alone)."""
    enterprise = EnterpriseFactory(**kwargs)
    for role in roles:
        MembershipFactory(enterprise=enterprise, role=role)
    return enterprise


def addresses(enterprise) -> set[str]:
    return set(enterprise.members.values_list("email", flat=True))


def outbox_for(enterprise) -> list:
    return [message for message in mail.outbox if set(message.to) == addresses(enterprise)]


@pytest.fixture
def staff():
    return StaffFactory()


@pytest.fixture
def open_round(staff, django_capture_on_commit_callbacks):
    def open_(when=OPENED, deadline=DEADLINE, reminder_days="14,3", year=YEAR):
        with (
            time_machine.travel(when, tick=False),
            django_capture_on_commit_callbacks(execute=True),
        ):
            return services.open_round(
                year=year, deadline=deadline, reminder_days=reminder_days, by=staff
            )

    return open_


@pytest.fixture
def run(django_capture_on_commit_callbacks):
    """One daily run at eight on ``day``, mails sent as after the commit."""

    def run_(day: date):
        with (
            time_machine.travel(at(day), tick=False),
            django_capture_on_commit_callbacks(execute=True),
        ):
            return services.send_reminders()

    return run_


# --- Opening -------------------------------------------------------------------------------------


def test_opening_invites_every_published_enterprise_and_mails_its_owners_and_editors(
    open_round, staff
):
    both = enterprise_with(MembershipRole.OWNER, MembershipRole.EDITOR, name="Buurtbedrijf Oost")
    owner_only = enterprise_with(MembershipRole.OWNER, name="Dorpshuis West")
    kept_by_staff = enterprise_with(name="Bewonersbedrijf Zonder Leden")
    concept = enterprise_with(MembershipRole.OWNER, status=EnterpriseStatus.CONCEPT)
    archived = enterprise_with(MembershipRole.OWNER, status=EnterpriseStatus.ARCHIVED)

    round_ = open_round()

    invited = set(round_.invitations.values_list("enterprise", flat=True))
    assert invited == {both.pk, owner_only.pk, kept_by_staff.pk}
    assert concept.pk not in invited and archived.pk not in invited
    assert len(mail.outbox) == 2  # one per enterprise with members; none for staff's own
    (message,) = outbox_for(both)
    assert len(message.to) == 2  # the owner and the editor, each once
    link = settings.PORTAL_BASE_URL + reverse(
        "enterprises:figures_edit", kwargs={"slug": both.slug, "year": YEAR}
    )
    assert link in message.body
    assert "Buurtbedrijf Oost" in message.subject and "2025" in message.subject
    assert "1 april 2026" in message.body  # the deadline, in Dutch
    assert "monitor" in message.body
    (other,) = outbox_for(owner_only)
    assert settings.PORTAL_BASE_URL + f"/wijkondernemingen/{owner_only.slug}/cijfers/2025/" in (
        other.body
    )
    recipients = dict(round_.invitations.values_list("enterprise", "recipients"))
    assert recipients == {both.pk: 2, owner_only.pk: 1, kept_by_staff.pk: 0}
    entry = AuditEntry.objects.get(action=AuditAction.ROUND_OPENED)
    assert entry.actor == staff and entry.details["invited"] == 3
    assert round_.reminders == [14, 3] and round_.opened_by == staff


def test_the_link_in_the_mail_opens_the_years_form_with_last_years_figures_beside_it(
    open_round, client
):
    owner = UserFactory()
    enterprise = EnterpriseFactory()
    MembershipFactory(enterprise=enterprise, user=owner)
    YearFiguresFactory(enterprise=enterprise, year=YEAR - 1, income_sales=43_210)
    open_round()
    path = mail.outbox[0].body.split(settings.PORTAL_BASE_URL, 1)[1].split()[0]
    client.force_login(owner)
    page = client.get(path).content.decode()
    assert "Bij elk veld: wat u over 2024 opgaf." in page
    assert "In 2024: € 43.210." in page  # last year's sales, beside the field


def test_inactive_members_get_no_mail(open_round):
    enterprise = EnterpriseFactory()
    MembershipFactory(enterprise=enterprise, user=UserFactory(is_active=False))
    round_ = open_round()
    assert mail.outbox == []
    assert round_.invitations.get().recipients == 0


@pytest.mark.parametrize(
    ("year", "deadline", "field", "dutch"),
    [
        (2027, DEADLINE, "year", "Kies een jaar dat voorbij is, of dit jaar"),
        (1899, DEADLINE, "year", "Kies een jaar dat voorbij is, of dit jaar"),
        (YEAR, date(2026, 3, 1), "deadline", "Kies een uiterste datum in de toekomst."),
        (YEAR, date(2026, 2, 1), "deadline", "Kies een uiterste datum in de toekomst."),
    ],
)
def test_a_round_is_refused_for_a_future_year_or_a_deadline_not_in_the_future(
    open_round, year, deadline, field, dutch
):
    EnterpriseFactory()
    with translation.override("nl"), pytest.raises(ValidationError) as raised:
        open_round(year=year, deadline=deadline)
    assert any(dutch in message for message in raised.value.message_dict[field])
    assert not ReportingRound.objects.exists() and mail.outbox == []


def test_this_year_may_be_asked_for(open_round):
    EnterpriseFactory()
    assert open_round(year=2026).year == 2026


def test_one_round_per_year(open_round):
    EnterpriseFactory()
    open_round()
    mail.outbox.clear()
    with translation.override("nl"), pytest.raises(ValidationError) as raised:
        open_round()
    assert raised.value.message_dict["year"] == ["Er is al een uitvraag voor 2025."]
    assert ReportingRound.objects.count() == 1 and RoundInvitation.objects.count() == 1


def test_a_round_for_a_year_whose_monitor_is_fixed_is_refused(open_round, staff):
    YearFiguresFactory(enterprise=EnterpriseFactory(), year=YEAR)
    with time_machine.travel(OPENED, tick=False):
        services.fix_edition(YEAR, by=staff)
    with translation.override("nl"), pytest.raises(ValidationError) as raised:
        open_round()
    assert "is vastgesteld" in raised.value.message_dict["year"][0]


@pytest.mark.parametrize("typed", ["14,x", "0", "-3", "200", "1,2,3,4,5,6", "١٤"])
def test_reminder_days_must_be_whole_days(open_round, typed):
    with translation.override("nl"), pytest.raises(ValidationError) as raised:
        open_round(reminder_days=typed)
    assert "reminder_days" in raised.value.message_dict


def test_reminder_days_are_kept_largest_first_and_once(open_round):
    assert open_round(reminder_days=" 3; 14 ,3,7").reminder_days == "14,7,3"


# --- Reminders -----------------------------------------------------------------------------------


def test_reminders_go_to_those_who_have_not_reported_each_once(open_round, run):
    waiting = enterprise_with(MembershipRole.OWNER, MembershipRole.EDITOR, name="Traag Bedrijf")
    reported = enterprise_with(MembershipRole.OWNER, name="Vlot Bedrijf")
    kept_by_staff = enterprise_with(name="Stil Bedrijf")
    open_round()
    YearFiguresFactory(enterprise=reported, year=YEAR)
    mail.outbox.clear()

    assert run(date(2026, 3, 17)).reminded == 0  # 15 days before: nothing due yet
    assert mail.outbox == []

    assert run(date(2026, 3, 18)).reminded == 1  # 14 days before: to the one waiting
    (message,) = mail.outbox
    assert set(message.to) == addresses(waiting)
    assert "Traag Bedrijf" in message.subject
    assert "14 dagen" in message.body
    assert "/cijfers/2025/" in message.body

    assert run(date(2026, 3, 18)).reminded == 0  # the same day again: nothing more
    assert run(date(2026, 3, 25)).reminded == 0  # later that week: nothing more
    assert len(mail.outbox) == 1

    mail.outbox.clear()
    assert run(date(2026, 3, 29)).reminded == 1  # 3 days before: the 3-day one
    (message,) = mail.outbox
    assert set(message.to) == addresses(waiting)
    assert "3 dagen" in message.body
    assert run(date(2026, 3, 30)).reminded == 0

    sent = set(RoundReminder.objects.values_list("enterprise", "days_before"))
    assert sent == {(waiting.pk, 14), (waiting.pk, 3)}
    assert not RoundReminder.objects.filter(enterprise__in=[reported, kept_by_staff]).exists()


def test_an_enterprise_that_reports_after_the_first_reminder_gets_no_second(open_round, run):
    enterprise = enterprise_with(MembershipRole.OWNER)
    open_round()
    run(date(2026, 3, 18))
    YearFiguresFactory(enterprise=enterprise, year=YEAR)
    mail.outbox.clear()
    assert run(date(2026, 3, 29)).reminded == 0
    assert mail.outbox == []


def test_figures_of_another_year_do_not_count_as_reported(open_round, run):
    enterprise = enterprise_with(MembershipRole.OWNER)
    YearFiguresFactory(enterprise=enterprise, year=YEAR - 1)
    open_round()
    assert run(date(2026, 3, 18)).reminded == 1


def test_a_missed_day_still_sends_the_reminder_due_but_only_the_latest(open_round, run):
    enterprise_with(MembershipRole.OWNER)
    open_round()
    mail.outbox.clear()
    assert run(date(2026, 3, 20)).reminded == 1  # the beat was down on the 18th
    assert RoundReminder.objects.get().days_before == 14
    assert run(date(2026, 3, 31)).reminded == 1  # down again on the 29th
    assert RoundReminder.objects.order_by("days_before").first().days_before == 3
    assert "1 dag" in mail.outbox[-1].body
    assert len(mail.outbox) == 2


def test_nothing_goes_out_after_the_deadline(open_round, run):
    enterprise_with(MembershipRole.OWNER)
    open_round()
    mail.outbox.clear()
    late = enterprise_with(MembershipRole.OWNER)  # published after opening, too
    result = run(date(2026, 4, 2))
    assert (result.invited, result.reminded) == (0, 0)
    assert mail.outbox == []
    assert not RoundReminder.objects.exists()
    assert not RoundInvitation.objects.filter(enterprise=late).exists()


def test_no_reminder_for_a_day_before_the_round_opened(open_round, run):
    enterprise_with(MembershipRole.OWNER)
    open_round(when=at(date(2026, 3, 22), 10))  # 10 days before the deadline
    mail.outbox.clear()
    for day in range(22, 32):
        run(date(2026, 3, day))
    assert list(RoundReminder.objects.values_list("days_before", flat=True)) == [3]
    assert len(mail.outbox) == 1 and "3 dagen" in mail.outbox[0].body


def test_a_reminder_on_the_opening_day_itself_is_not_sent(open_round, run):
    enterprise_with(MembershipRole.OWNER)
    open_round(when=at(date(2026, 3, 18), 7))  # opened on the 14-day reminder's day
    mail.outbox.clear()
    assert run(date(2026, 3, 18)).reminded == 0
    assert mail.outbox == []


def test_a_reminder_another_run_recorded_is_not_sent_again(open_round, run):
    """A second run at the same moment (two beats, a retry) finds the first one's rows: the row
    is written before the mail, in the same transaction."""
    enterprise = enterprise_with(MembershipRole.OWNER)
    round_ = open_round()
    RoundReminder.objects.create(round=round_, enterprise=enterprise, days_before=14)
    mail.outbox.clear()
    assert run(date(2026, 3, 18)).reminded == 0
    assert mail.outbox == []


def test_a_closed_round_sends_nothing(open_round, run, staff):
    enterprise = enterprise_with(MembershipRole.OWNER)
    YearFiguresFactory(enterprise=EnterpriseFactory(), year=YEAR)
    round_ = open_round()
    with time_machine.travel(at(date(2026, 3, 10)), tick=False):
        services.close_round(round_, by=staff)
    mail.outbox.clear()
    assert run(date(2026, 3, 18)).reminded == 0
    assert not RoundReminder.objects.filter(enterprise=enterprise).exists()


def test_an_archived_enterprise_gets_no_reminder(open_round, run):
    enterprise = enterprise_with(MembershipRole.OWNER)
    open_round()
    enterprise.status = EnterpriseStatus.ARCHIVED
    enterprise.save()
    mail.outbox.clear()
    assert run(date(2026, 3, 18)).reminded == 0


# --- Enterprises published while the round is open -----------------------------------------------


def test_enterprises_published_after_opening_are_invited_by_the_daily_run(open_round, run):
    enterprise_with(MembershipRole.OWNER)
    round_ = open_round()
    with time_machine.travel(at(date(2026, 3, 5), 14), tick=False):
        late = enterprise_with(MembershipRole.OWNER, name="Nieuw Wijkbedrijf")
    mail.outbox.clear()

    assert run(date(2026, 3, 6)).invited == 1
    (message,) = mail.outbox
    assert set(message.to) == addresses(late)
    assert f"/wijkondernemingen/{late.slug}/cijfers/2025/" in message.body
    assert "1 april 2026" in message.body
    assert round_.invitations.filter(enterprise=late).exists()

    assert run(date(2026, 3, 7)).invited == 0  # invited once
    assert round_.invitations.count() == 2


def test_an_enterprise_invited_late_gets_no_reminder_whose_day_came_before_its_invitation(
    open_round, run
):
    open_round()
    late = enterprise_with(MembershipRole.OWNER)
    assert run(date(2026, 3, 20)).invited == 1  # after the 14-day reminder's day
    mail.outbox.clear()
    assert run(date(2026, 3, 21)).reminded == 0
    assert run(date(2026, 3, 29)).reminded == 1
    assert RoundReminder.objects.get(enterprise=late).days_before == 3


def test_the_task_runs_the_daily_service(open_round):
    enterprise_with(MembershipRole.OWNER)
    open_round()
    with time_machine.travel(at(date(2026, 3, 18)), tick=False):
        result = tasks.send_round_reminders.delay().get()
    assert result == {"invited": 0, "reminded": 1}


def test_celery_beat_runs_the_reminders_every_morning():
    (entry,) = [
        entry
        for entry in settings.CELERY_BEAT_SCHEDULE.values()
        if entry["task"] == "monitor.send_round_reminders"
    ]
    assert entry["schedule"] == crontab(minute=0, hour=8)


# --- Closing and correcting ----------------------------------------------------------------------


def test_closing_fixes_the_years_monitor(open_round, staff):
    reported = enterprise_with(MembershipRole.OWNER)
    YearFiguresFactory(enterprise=reported, year=YEAR, income_sales=70_000)
    enterprise_with(MembershipRole.OWNER)
    round_ = open_round()
    opened = set(AuditEntry.objects.values_list("pk", flat=True))
    with time_machine.travel(at(date(2026, 4, 2), 9), tick=False):
        services.close_round(round_, by=staff)
    round_.refresh_from_db()
    assert not round_.is_open and round_.closed_by == staff
    edition = MonitorEdition.objects.get(year=YEAR)
    assert edition.number == 1 and edition.population == 2
    assert edition.data["overall"]["count"] == 1
    # One decision, one entry: closing names the edition it fixed.
    entries = AuditEntry.objects.exclude(pk__in=opened)
    assert [(entry.action, entry.details["edition"]) for entry in entries] == [
        (AuditAction.ROUND_CLOSED, 1)
    ]
    with pytest.raises(ValidationError):
        services.close_round(round_, by=staff)
    assert MonitorEdition.objects.count() == 1


def test_a_round_without_any_figures_cannot_be_closed(open_round, staff):
    enterprise_with(MembershipRole.OWNER)
    round_ = open_round()
    with translation.override("nl"), pytest.raises(ValidationError) as raised:
        services.close_round(round_, by=staff)
    assert raised.value.messages == ["Geen enkele onderneming rapporteerde over 2025."]
    round_.refresh_from_db()
    assert round_.is_open and not MonitorEdition.objects.exists()


def test_a_change_after_closing_is_pending_until_a_correction_with_a_note(
    open_round, staff, client
):
    with time_machine.travel(OPENED, tick=False):
        enterprise = enterprise_with(MembershipRole.OWNER, name="Laat Verbeterd")
        figures = YearFiguresFactory(enterprise=enterprise, year=YEAR, income_sales=10_000)
    round_ = open_round()
    with time_machine.travel(at(date(2026, 4, 2), 9), tick=False):
        services.close_round(round_, by=staff)
    assert selectors.round_progress(YEAR).pending == []

    with time_machine.travel(at(date(2026, 4, 20), 9), tick=False):
        figures.income_sales = 95_000
        enterprise_services.save_year_figures(figures, by=enterprise.members.get())
    pending = selectors.round_progress(YEAR).pending
    assert [item.enterprise for item in pending] == [enterprise]

    with pytest.raises(ValidationError):
        services.publish_correction(YEAR, by=staff, note="  ")
    with time_machine.travel(at(date(2026, 4, 21), 9), tick=False):
        edition = services.publish_correction(
            YEAR, by=staff, note="Laat Verbeterd gaf zijn verkoop opnieuw op."
        )
    assert edition.number == 2
    assert edition.data["overall"]["turnover"] == 95_000 + 20_000 + 30_000
    assert MonitorEdition.objects.get(number=1).data["overall"]["turnover"] == 60_000
    assert selectors.round_progress(YEAR).pending == []
    assert AuditEntry.objects.filter(action=AuditAction.MONITOR_CORRECTED).exists()

    page = client.get(f"/monitor/{YEAR}/").content.decode()
    assert "Gecorrigeerd op 21 april 2026 (editie 2):" in page
    assert "Laat Verbeterd gaf zijn verkoop opnieuw op." in page


def test_staff_checking_flagged_figures_is_no_change_to_correct(open_round, staff):
    with time_machine.travel(OPENED, tick=False):
        figures = YearFiguresFactory(enterprise=EnterpriseFactory(), year=YEAR, flags=["fte"])
    round_ = open_round()
    with time_machine.travel(at(date(2026, 4, 2), 9), tick=False):
        services.close_round(round_, by=staff)
    with time_machine.travel(at(date(2026, 4, 20), 9), tick=False):
        enterprise_services.mark_figures_checked(figures, by=staff)
    assert selectors.round_progress(YEAR).pending == []


def test_a_correction_needs_a_fixed_monitor(open_round, staff):
    YearFiguresFactory(enterprise=EnterpriseFactory(), year=YEAR)
    open_round()
    with pytest.raises(ValidationError):
        services.publish_correction(YEAR, by=staff, note="Iets verbeterd.")
    assert not MonitorEdition.objects.exists()
