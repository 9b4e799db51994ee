"""Migration 0004 keeps the stored token of every follower as ``legacy_token`` (the links in
mails already sent use it); going back gives a token to followers that have none."""

from __future__ import annotations

import pytest

from tests.factories import MunicipalityFactory
from tests.migrating import migrate_to, newest_migrations_afterwards  # noqa: F401 - a fixture

pytestmark = [
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.usefixtures("newest_migrations_afterwards"),
]

BEFORE = ("municipalities", "0003_followers")
AFTER = ("municipalities", "0004_follower_signed_links")


def test_existing_tokens_stay_and_going_back_gives_everyone_one():
    Follower = migrate_to(BEFORE).get_model("municipalities", "Follower")
    # Only this app goes back: the municipalities' table is the newest, so is its model.
    town = MunicipalityFactory(cbs_code="GM9907", name="Migratiestad", slug="migratiestad")
    Follower.objects.create(municipality_id=town.pk, email="oud@example.org", token="oud-token")

    Follower = migrate_to(AFTER).get_model("municipalities", "Follower")
    assert Follower.objects.get(email="oud@example.org").legacy_token == "oud-token"
    Follower.objects.create(municipality_id=town.pk, email="nieuw@example.org")

    Follower = migrate_to(BEFORE).get_model("municipalities", "Follower")
    tokens = {row.email: row.token for row in Follower.objects.all()}
    assert tokens["oud@example.org"] == "oud-token"
    assert len(tokens["nieuw@example.org"]) >= 32
