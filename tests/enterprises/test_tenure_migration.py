"""Migrations 0006-0008 split one tenure into the building's and the ground's: every record keeps
meaning what it meant, and so does its history."""

from __future__ import annotations

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

BEFORE = ("enterprises", "0005_public_texts_without_hidden_characters")
AFTER = ("enterprises", "0008_asset_tenure_constraints")

# kind, tenure before -> (the building's or property's tenure, the ground's)
CASES = {
    ("gebouw", "eigendom"): ("eigendom", "eigendom"),  # owning a building was owning its ground
    ("gebouw", "erfpacht"): ("eigendom", "erfpacht"),  # the building owned, on leasehold ground
    ("gebouw", "huur"): ("huur", ""),
    ("gebouw", "beheer"): ("beheer", ""),
    ("grond", "eigendom"): ("", "eigendom"),
    ("grond", "erfpacht"): ("", "erfpacht"),
    ("grond", "huur"): ("", "huur"),
    ("grond", "beheer"): ("", "beheer"),
    ("anders", "eigendom"): ("eigendom", ""),
    ("anders", "erfpacht"): ("eigendom", "erfpacht"),
    ("anders", "huur"): ("huur", ""),
}


def _migrate(target) -> MigrationExecutor:
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate([target])
    return executor


def test_every_asset_and_its_history_keep_their_meaning():
    executor = _migrate(BEFORE)
    apps = executor.loader.project_state([BEFORE]).apps
    Municipality = apps.get_model("enterprises", "Municipality")
    Enterprise = apps.get_model("enterprises", "Enterprise")
    Asset = apps.get_model("enterprises", "Asset")
    HistoricalAsset = apps.get_model("enterprises", "HistoricalAsset")
    # A municipality of its own: a transactional test before this one may have emptied the
    # reference tables.
    municipality = Municipality.objects.create(
        cbs_code="GM9906", name="Migratiedorp", slug="migratiedorp", province="utrecht"
    )
    enterprise = Enterprise.objects.create(
        name="Oud Bezit", slug="oud-bezit", kind="wijkonderneming",
        municipality=municipality, neighbourhood="Wijk",
    )  # fmt: skip
    for kind, tenure in CASES:
        asset = Asset.objects.create(
            enterprise=enterprise, kind=kind, name=f"{kind} {tenure}", tenure=tenure
        )
        HistoricalAsset.objects.create(
            id=asset.pk, enterprise_id=enterprise.pk, kind=kind, name=asset.name, tenure=tenure,
            history_date="2025-01-01T12:00:00Z", history_type="+", description="",
        )  # fmt: skip

    executor = _migrate(AFTER)
    apps = executor.loader.project_state([AFTER]).apps
    for model in ("Asset", "HistoricalAsset"):
        found = {
            (row.kind, row.name.split()[-1]): (row.tenure, row.ground_tenure)
            for row in apps.get_model("enterprises", model).objects.all()
        }
        assert found == CASES, model

    # And back: the one tenure as it was.
    executor = _migrate(BEFORE)
    apps = executor.loader.project_state([BEFORE]).apps
    back = {(row.kind, row.tenure) for row in apps.get_model("enterprises", "Asset").objects.all()}
    assert back == set(CASES)
    _migrate(executor.loader.graph.leaf_nodes("enterprises")[0])


@pytest.fixture(autouse=True)
def _up_to_date_afterwards():
    """Whatever happens above, the database ends at the newest migrations of every app."""
    yield
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())
