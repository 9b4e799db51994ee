"""Migration 0007 drops the boolean ``confirmed``: a confirmed subscriber stays confirmed (its
``confirmed_at`` is the one mark), an unconfirmed one stays unconfirmed, and going back sets the
boolean again."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from tests.migrating import migrate_to, newest_migrations_afterwards  # noqa: F401 - a fixture

pytestmark = [
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.usefixtures("newest_migrations_afterwards"),
]

BEFORE = ("knowledge", "0006_search_head_vector_and_masks")
AFTER = ("knowledge", "0007_subscriber_confirmed_at")
SUBSCRIBED = datetime(2025, 3, 1, 9, tzinfo=UTC)
CONFIRMED = datetime(2025, 3, 1, 10, tzinfo=UTC)

# address: (confirmed, confirmed_at) before -> confirmed_at after
CASES = {
    "bevestigd@example.org": ((True, CONFIRMED), CONFIRMED),
    "wacht@example.org": ((False, None), None),
    # Unticked in the admin after confirming: the date stayed, the subscription did not.
    "uitgevinkt@example.org": ((False, CONFIRMED), None),
}


def test_confirmed_subscribers_stay_confirmed_and_the_rest_do_not():
    Subscriber = migrate_to(BEFORE).get_model("knowledge", "Subscriber")
    for email, ((confirmed, confirmed_at), _after) in CASES.items():
        Subscriber.objects.create(
            email=email, confirmed=confirmed, confirmed_at=confirmed_at, created_at=SUBSCRIBED
        )

    Subscriber = migrate_to(AFTER).get_model("knowledge", "Subscriber")
    found = {row.email: row.confirmed_at for row in Subscriber.objects.all()}
    assert found == {email: after for email, (_before, after) in CASES.items()}
    assert "confirmed" not in {field.name for field in Subscriber._meta.get_fields()}

    Subscriber = migrate_to(BEFORE).get_model("knowledge", "Subscriber")
    back = {row.email: row.confirmed for row in Subscriber.objects.all()}
    assert back == {email: after is not None for email, (_before, after) in CASES.items()}
