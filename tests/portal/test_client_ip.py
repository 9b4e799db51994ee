"""The visitor's address behind a proxy: only what the operator's proxies wrote is believed, and
the limits per address (allauth's log-in limit, the knowledge forms') count each visitor apart."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import SystemCheckError
from django.test import RequestFactory
from django.urls import reverse
from hypothesis import given
from hypothesis import strategies as st

from lsa_portal.client_ip import client_ip
from tests.factories import ReportFactory

PROXY = "10.0.0.5"  # the proxy's address as the app sees it (REMOTE_ADDR)
ALICE = "198.51.100.7"
BOB = "203.0.113.9"


def _request(peer: str = PROXY, forwarded: str | None = None, **headers):
    meta: dict[str, Any] = {"REMOTE_ADDR": peer}
    if forwarded is not None:
        meta["HTTP_X_FORWARDED_FOR"] = forwarded
    return RequestFactory().get("/", **meta, **headers)


def test_without_a_trusted_proxy_a_forged_header_is_ignored(settings):
    settings.TRUSTED_PROXY_COUNT, settings.TRUSTED_PROXIES = 0, []
    assert client_ip(_request(ALICE, forwarded=BOB)) == ALICE


def test_one_trusted_proxy_gives_the_address_it_appended(settings):
    settings.TRUSTED_PROXY_COUNT = 1
    assert client_ip(_request(forwarded=ALICE)) == ALICE
    # Alice put Bob's address in the header herself; the proxy appended hers after it.
    assert client_ip(_request(forwarded=f"{BOB}, {ALICE}")) == ALICE
    assert client_ip(_request(forwarded=f"nonsense, {BOB} ,{ALICE}")) == ALICE


def test_two_trusted_proxies_give_the_second_address_from_the_right(settings):
    settings.TRUSTED_PROXY_COUNT = 2
    cdn = "192.0.2.80"
    assert client_ip(_request(forwarded=f"{BOB}, {ALICE}, {cdn}")) == ALICE


def test_fewer_addresses_than_trusted_proxies_falls_back_to_the_peer(settings):
    """Nobody can tell whether the leftmost address came from a proxy or from the visitor."""
    settings.TRUSTED_PROXY_COUNT = 2
    assert client_ip(_request(forwarded=ALICE)) == PROXY
    assert client_ip(_request()) == PROXY


def test_an_address_the_proxy_wrote_that_is_no_address_falls_back_to_the_peer(settings):
    settings.TRUSTED_PROXY_COUNT = 1
    assert client_ip(_request(forwarded=f"{ALICE}, unknown")) == PROXY


def test_the_header_is_read_only_from_a_listed_proxy(settings):
    settings.TRUSTED_PROXY_COUNT, settings.TRUSTED_PROXIES = 0, ["10.0.0.0/24"]
    assert client_ip(_request(PROXY, forwarded=ALICE)) == ALICE
    # Bob reached the app without the proxy: his header is not believed.
    assert client_ip(_request(BOB, forwarded=ALICE)) == BOB


def test_listed_proxies_are_skipped_from_the_right(settings):
    settings.TRUSTED_PROXY_COUNT, settings.TRUSTED_PROXIES = 0, ["10.0.0.0/24", "192.0.2.80"]
    forwarded = f"{BOB}, {ALICE}, 192.0.2.80, 10.0.0.9"
    assert client_ip(_request(forwarded=forwarded)) == ALICE


def test_count_and_list_together_skip_only_near_listed_proxies(settings):
    settings.TRUSTED_PROXY_COUNT, settings.TRUSTED_PROXIES = 2, ["10.0.0.0/24"]
    # The second hop (192.0.2.80) is within the count but not listed: it is the visitor.
    assert client_ip(_request(forwarded=f"{ALICE}, 192.0.2.80")) == "192.0.2.80"
    assert client_ip(_request(forwarded=f"{BOB}, {ALICE}, 10.0.0.9")) == ALICE


def test_addresses_are_written_one_way(settings):
    settings.TRUSTED_PROXY_COUNT = 1
    assert client_ip(_request(forwarded="[2001:DB8::1]:4711")) == "2001:db8::1"
    assert client_ip(_request(forwarded=f"{ALICE}:4711")) == ALICE
    assert client_ip(_request(forwarded=f"::ffff:{ALICE}")) == ALICE


def test_another_header_can_carry_the_address(settings):
    settings.TRUSTED_PROXY_COUNT, settings.TRUSTED_PROXY_HEADER = 1, "X-Real-IP"
    request = _request(forwarded=BOB, HTTP_X_REAL_IP=ALICE)
    assert client_ip(request) == ALICE


@given(forged=st.text(max_size=200))
def test_nothing_a_visitor_writes_in_the_header_changes_their_address(forged):
    from django.test import override_settings

    with override_settings(TRUSTED_PROXY_COUNT=1, TRUSTED_PROXIES=[]):
        # What reaches the app: the visitor's header, and the address the proxy appended.
        header = f"{forged}, {ALICE}" if forged else ALICE
        assert client_ip(_request(forwarded=header.replace("\n", " "))) == ALICE


def test_a_mistyped_proxy_address_stops_the_portal_at_start(settings):
    settings.TRUSTED_PROXIES = ["10.0.0.0/33"]
    with pytest.raises(SystemCheckError, match="TRUSTED_PROXIES"):
        call_command("check")


# --- The limits per address -----------------------------------------------------------------


def _log_in_attempts(client, count: int, forwarded: str) -> list[int]:
    """Empty log-in forms posted through the proxy: each counts against allauth's limit."""
    url = reverse("account_login")
    return [
        client.post(url, {}, REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=forwarded).status_code
        for _ in range(count)
    ]


@pytest.mark.django_db
def test_behind_a_trusted_proxy_each_visitor_has_their_own_log_in_limit(client, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    limit = int(settings.ACCOUNT_RATE_LIMITS["login"].split("/")[0])
    assert 429 not in _log_in_attempts(client, limit, ALICE)
    assert _log_in_attempts(client, 1, ALICE) == [429]
    # Bob behind the same proxy is not locked out by Alice's attempts...
    assert _log_in_attempts(client, 1, BOB) == [200]
    # ...and Alice cannot pass as Bob by writing his address in the header herself.
    assert _log_in_attempts(client, 1, f"{BOB}, {ALICE}") == [429]


@pytest.mark.django_db
def test_without_a_trusted_proxy_a_forged_header_does_not_escape_the_log_in_limit(client, settings):
    settings.TRUSTED_PROXY_COUNT, settings.TRUSTED_PROXIES = 0, []
    limit = int(settings.ACCOUNT_RATE_LIMITS["login"].split("/")[0])
    assert 429 not in _log_in_attempts(client, limit, ALICE)
    assert _log_in_attempts(client, 1, BOB) == [429]


@pytest.mark.django_db
def test_behind_a_trusted_proxy_each_visitor_has_their_own_form_limit(client, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    settings.KNOWLEDGE_FORM_RATE_LIMIT = (2, 3600)
    report = ReportFactory(access="op-aanvraag")
    url = reverse("knowledge:report_request", args=[report.slug])

    def post(forwarded: str) -> int:
        return client.post(url, {}, REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=forwarded).status_code

    assert [post(ALICE), post(ALICE), post(ALICE)] == [200, 200, 429]
    assert post(BOB) == 200
    assert post(f"{BOB}, {ALICE}") == 429
