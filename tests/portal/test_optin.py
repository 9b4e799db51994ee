"""The one double opt-in (``lsa_portal.optin``): signed links that cannot be forged or reused for
something else, a confirmation link that expires, a second click that changes nothing, an
unsubscribe link that always works, and a clean-up that only takes unconfirmed sign-ups."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
import time_machine
from django.utils import timezone

from knowledge.models import Subscriber
from lsa_portal.optin import LinkExpired, LinkInvalid, OptIn
from tests.factories import SubscriberFactory

pytestmark = pytest.mark.django_db

LEGACY = {"oud-token-uit-een-mail": "oud@example.org"}

# A list of its own (own salts) on the newsletter's table: the module knows no app.
LIST = OptIn(
    model=Subscriber,
    confirm_salt="tests.optin-confirm",
    unsubscribe_salt="tests.optin-unsubscribe",
    confirm_days=7,
    legacy_lookup=lambda token: Subscriber.objects.filter(email=LEGACY.get(token)).first(),
)
OTHER_LIST = OptIn(
    model=Subscriber, confirm_salt="tests.other-confirm", unsubscribe_salt="tests.other-unsub"
)
NOW = timezone.make_aware(datetime(2026, 6, 1, 12))


def _days_ago(days: float):
    return NOW - timedelta(days=days)


def test_a_confirmation_link_confirms_its_own_signup_only():
    signup, other = SubscriberFactory(), SubscriberFactory()
    confirmed, now = LIST.confirm(LIST.confirm_token(signup))
    assert confirmed == signup and now
    signup.refresh_from_db()
    other.refresh_from_db()
    assert signup.confirmed_at is not None and other.confirmed_at is None


@pytest.mark.parametrize(
    "tamper",
    [
        lambda token, other: f"{other.pk}:{token.split(':', 1)[1]}",  # another sign-up's number
        lambda token, other: token[:-3] + ("xyz" if not token.endswith("xyz") else "abc"),
        lambda token, other: token[:-10],  # cut short by a mail program
        lambda token, other: token.rsplit(":", 1)[0],  # no signature at all
        lambda token, other: "",
        lambda token, other: "onzin",
    ],
    ids=["other-pk", "changed-signature", "cut-short", "unsigned", "empty", "made-up"],
)
def test_a_tampered_confirmation_link_is_refused_and_confirms_nobody(tamper):
    signup, other = SubscriberFactory(), SubscriberFactory()
    with pytest.raises(LinkInvalid):
        LIST.confirm(tamper(LIST.confirm_token(signup), other))
    assert not Subscriber.objects.filter(confirmed_at__isnull=False).exists()


def test_a_link_of_another_purpose_or_list_opens_nothing():
    signup = SubscriberFactory()
    with pytest.raises(LinkInvalid):  # an unsubscribe link does not confirm
        LIST.confirm(LIST.unsubscribe_token(signup))
    with pytest.raises(LinkInvalid):  # a confirmation link does not unsubscribe
        LIST.unsubscribe(LIST.confirm_token(signup))
    with pytest.raises(LinkInvalid):  # nor does another list's link
        LIST.confirm(OTHER_LIST.confirm_token(signup))
    with pytest.raises(LinkInvalid):
        LIST.unsubscribe(OTHER_LIST.unsubscribe_token(signup))
    signup.refresh_from_db()
    assert signup.confirmed_at is None


def test_a_confirmation_link_expires_after_the_days_of_its_list():
    signup = SubscriberFactory(created_at=_days_ago(8))
    with time_machine.travel(_days_ago(7) + timedelta(seconds=-5), tick=False):
        old_token = LIST.confirm_token(signup)  # seven days and five seconds before NOW
    with time_machine.travel(_days_ago(6), tick=False):
        fresh_token = LIST.confirm_token(signup)
    with time_machine.travel(NOW, tick=False):
        with pytest.raises(LinkExpired):
            LIST.confirm(old_token)
        signup.refresh_from_db()
        assert signup.confirmed_at is None
        assert LIST.confirm(fresh_token)[1] is True


def test_a_link_whose_signup_went_has_expired_in_effect():
    signup = SubscriberFactory()
    token = LIST.confirm_token(signup)
    signup.delete()
    with pytest.raises(LinkExpired):
        LIST.confirm(token)


def test_confirming_twice_confirms_once_and_keeps_the_first_moment():
    signup = SubscriberFactory()
    token = LIST.confirm_token(signup)
    with time_machine.travel(NOW, tick=False):
        first, confirmed_now = LIST.confirm(token)
    assert confirmed_now is True and first.confirmed_at == NOW
    with time_machine.travel(NOW + timedelta(hours=1), tick=False):
        second, confirmed_again = LIST.confirm(token)
    assert confirmed_again is False  # the caller sends no second welcome
    assert second.confirmed_at == NOW


def test_unsubscribing_deletes_the_signup_and_a_second_click_changes_nothing():
    signup, other = SubscriberFactory(confirmed_at=NOW), SubscriberFactory(confirmed_at=NOW)
    token = LIST.unsubscribe_token(signup)
    gone = LIST.unsubscribe(token)
    assert gone is not None and gone.pk == signup.pk  # the caller can still name it
    assert list(Subscriber.objects.all()) == [other]
    assert LIST.unsubscribe(token) is None
    assert LIST.for_unsubscribe(token) is None
    assert list(Subscriber.objects.all()) == [other]


def test_an_unsubscribe_link_does_not_expire():
    signup = SubscriberFactory(confirmed_at=_days_ago(400))
    with time_machine.travel(_days_ago(400), tick=False):
        token = LIST.unsubscribe_token(signup)
    with time_machine.travel(NOW, tick=False):
        assert LIST.unsubscribe(token) is not None
    assert not Subscriber.objects.exists()


def test_a_tampered_unsubscribe_link_is_refused_and_deletes_nothing():
    signup = SubscriberFactory(confirmed_at=NOW)
    token = LIST.unsubscribe_token(signup)
    with pytest.raises(LinkInvalid):
        LIST.unsubscribe(token[:-3] + ("xyz" if not token.endswith("xyz") else "abc"))
    assert Subscriber.objects.filter(pk=signup.pk).exists()


def test_the_clean_up_takes_only_unconfirmed_signups_older_than_the_days():
    stale = SubscriberFactory(created_at=_days_ago(7) - timedelta(minutes=1))
    fresh = SubscriberFactory(created_at=_days_ago(6))
    confirmed_long_ago = SubscriberFactory(created_at=_days_ago(300), confirmed_at=_days_ago(299))
    assert LIST.delete_unconfirmed(now=NOW) == 1
    assert set(Subscriber.objects.all()) == {fresh, confirmed_long_ago}
    assert not Subscriber.objects.filter(pk=stale.pk).exists()
    assert list(LIST.confirmed()) == [confirmed_long_ago]


def test_asking_again_mails_an_unconfirmed_signup_only_when_the_list_resends():
    with time_machine.travel(_days_ago(3), tick=False):
        signup, mail_due = LIST.request(email="a@example.org", defaults={}, resend_unconfirmed=True)
    assert mail_due is True
    with time_machine.travel(NOW, tick=False):
        again, mail_due = LIST.request(email="a@example.org", defaults={}, resend_unconfirmed=True)
    assert again == signup and mail_due is True
    assert Subscriber.objects.get().created_at == NOW  # a new retention period with the new mail
    _same, mail_due = LIST.request(email="a@example.org", defaults={}, resend_unconfirmed=False)
    assert mail_due is False


def test_asking_again_for_a_confirmed_signup_mails_nothing():
    SubscriberFactory(email="al@example.org", confirmed_at=NOW)
    _signup, mail_due = LIST.request(email="al@example.org", defaults={}, resend_unconfirmed=True)
    assert mail_due is False
    assert Subscriber.objects.count() == 1


def test_an_old_stored_token_keeps_working_during_the_transition():
    old = SubscriberFactory(email="oud@example.org", created_at=_days_ago(2))
    with time_machine.travel(NOW, tick=False):
        assert LIST.confirm("oud-token-uit-een-mail") == (old, True)
        assert LIST.unsubscribe("oud-token-uit-een-mail") == old
    assert not Subscriber.objects.exists()


def test_an_old_stored_token_expires_with_the_age_of_its_signup():
    old = SubscriberFactory(email="oud@example.org", created_at=_days_ago(8))
    with time_machine.travel(NOW, tick=False), pytest.raises(LinkExpired):
        LIST.confirm("oud-token-uit-een-mail")
    old.refresh_from_db()
    assert old.confirmed_at is None
    assert LIST.for_unsubscribe("oud-token-uit-een-mail") == old  # unsubscribing never expires
