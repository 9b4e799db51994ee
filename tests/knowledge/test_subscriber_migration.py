"""Migration 0007 drops the boolean ``confirmed``: a confirmed subscriber stays confirmed (its
``confirmed_at`` is the one mark), an unconfirmed one stays unconfirmed, and going back sets the
boolean again."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

BEFORE = ("knowledge", "0006_search_head_vector_and_masks")
AFTER = ("knowledge", "0007_subscriber_confirmed_at")
SUBSCRIBED = datetime(2025, 3, 1, 9, tzinfo=UTC)
CONFIRMED = datetime(2025, 3, 1, 10, tzinfo=UTC)


def _migrate(target) -> MigrationExecutor:
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate([target])
    return executor


def _apps(executor, target):
    return executor.loader.project_state([target]).apps


def test_confirmed_subscribers_stay_confirmed_and_the_rest_do_not():
    executor = _migrate(BEFORE)
    Subscriber = _apps(executor, BEFORE).get_model("knowledge", "Subscriber")
    Subscriber.objects.create(
        email="bevestigd@example.org", confirmed=True, confirmed_at=CONFIRMED, created_at=SUBSCRIBED
    )
    Subscriber.objects.create(email="wacht@example.org", created_at=SUBSCRIBED)
    # Unticked in the admin after confirming: the date stayed, the subscription did not.
    Subscriber.objects.create(
        email="uitgevinkt@example.org",
        confirmed=False,
        confirmed_at=CONFIRMED,
        created_at=SUBSCRIBED,
    )

    executor = _migrate(AFTER)
    Subscriber = _apps(executor, AFTER).get_model("knowledge", "Subscriber")
    assert {row.email: row.confirmed_at for row in Subscriber.objects.all()} == {
        "bevestigd@example.org": CONFIRMED,
        "wacht@example.org": None,
        "uitgevinkt@example.org": None,
    }
    assert "confirmed" not in {field.name for field in Subscriber._meta.get_fields()}

    executor = _migrate(BEFORE)
    Subscriber = _apps(executor, BEFORE).get_model("knowledge", "Subscriber")
    assert {row.email: row.confirmed for row in Subscriber.objects.all()} == {
        "bevestigd@example.org": True,
        "wacht@example.org": False,
        "uitgevinkt@example.org": False,
    }


@pytest.fixture(autouse=True)
def _up_to_date_afterwards():
    """Whatever happens above, the database ends at the newest migrations of every app."""
    yield
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())
