"""The yearly monitor as its users go through it: staff open a reporting round, a resident
follows the link in the mail and reports, the monitor shows the new figures; axe is clean on
the pages on the way, at desktop and phone width."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from enterprises.models import YearFigures
from tests.browser.axe import BLOCKING, describe, run_axe
from tests.browser.conftest import log_in, log_out, screenshot
from tests.factories import (
    EnterpriseFactory,
    MembershipFactory,
    StaffFactory,
    UserFactory,
    YearFiguresFactory,
)

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def _axe_clean(page, what: str) -> None:
    blocking = [v for v in run_axe(page) if v["impact"] in BLOCKING]
    assert not blocking, f"{what}:\n{describe(blocking)}"


def _link_in(message) -> str:
    match = re.search(r"https?://[^/\s]+(/\S+)", message.body)
    assert match, message.body
    return match.group(1)


def test_staff_open_a_round_a_resident_reports_and_the_monitor_shows_it(axe_page):
    page = axe_page
    year = timezone.localdate().year - 1
    staff = StaffFactory(email="monitor.medewerker@example.org")
    resident = UserFactory(email="penningmeester@example.org")
    reporting = EnterpriseFactory(name="Buurtbedrijf De Meetlat")
    MembershipFactory(enterprise=reporting, user=resident)
    YearFiguresFactory(enterprise=reporting, year=year - 1, income_sales=40_000, income_rent=0,
                       income_subsidies=10_000, income_loans=0, volunteers=12)  # fmt: skip
    for name in ("Wijkbedrijf Noord", "Wijkbedrijf Zuid"):  # they reported already
        YearFiguresFactory(enterprise=EnterpriseFactory(name=name), year=year,
                           income_sales=100_000, income_rent=0, income_subsidies=0,
                           income_loans=0)  # fmt: skip

    log_in(page, staff.email)
    page.goto("/monitor/rondes/")
    page.get_by_label("Jaar", exact=True).fill(str(year))
    deadline = timezone.localdate() + timedelta(days=21)
    page.get_by_label("Uiterste datum", exact=True).fill(deadline.isoformat())
    mail.outbox.clear()
    page.get_by_role("button", name="De uitvraag openen").click()
    page.wait_for_url(f"**/monitor/rondes/{year}/")
    assert "Uitgenodigd" in page.content()
    _axe_clean(page, "round page")
    screenshot(page, "monitor-round-open")
    log_out(page)

    invitations = [message for message in mail.outbox if resident.email in message.to]
    assert len(invitations) == 1
    link = _link_in(invitations[0])
    assert link == f"/wijkondernemingen/{reporting.slug}/cijfers/{year}/"

    log_in(page, resident.email)
    page.goto(link)
    # Last year's figures beside the field, and the loan explained at its field.
    assert f"In {year - 1}: € 40.000." in page.content()
    page.get_by_label("Verkoop van producten en diensten").fill("45.000")
    page.get_by_label("Subsidies").fill("15.000")
    page.get_by_label("Leningen en sociale financiering").fill("20.000")
    page.get_by_label("Totale uitgaven").fill("58.000")
    page.get_by_label("Vrijwilligers").fill("14")
    _axe_clean(page, "figures form from the round's mail")
    screenshot(page, "monitor-figures-form")
    page.get_by_role("button", name="Opslaan").click()
    assert f"De cijfers voor {year} zijn opgeslagen." in page.content()
    figures = YearFigures.objects.get(enterprise=reporting, year=year)
    assert (figures.income_sales, figures.income_loans) == (45_000, 20_000)
    log_out(page)

    page.goto(f"/monitor/{year}/")
    content = page.content()
    assert f"3 ondernemingen rapporteerden over {year}." in content
    assert "100% van de 3 ondernemingen die in de uitvraag werden uitgenodigd" in content
    assert "€ 260.000" in content  # 100 000 + 100 000 + 45 000 + 15 000: the loan is not in it
    assert "€ 20.000" in content  # the loan, on its own line
    _axe_clean(page, "monitor")
    screenshot(page, "monitor-year")
