"""Helpers for the tests of a data migration: move the test database to a migration and back.

Such a test is ``django_db(transaction=True, serialized_rollback=True)`` and uses the fixture
``newest_migrations_afterwards`` (import it into the test module), so that whatever happens, the
database ends at the newest migrations of every app for the tests after it."""

from __future__ import annotations

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor


def migrate_to(*targets: tuple[str, str]):
    """Migrate apps to ``targets`` ((app, migration name), one per app); the models as they were
    then."""
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(list(targets))
    return executor.loader.project_state(list(targets)).apps


@pytest.fixture
def newest_migrations_afterwards():
    yield
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())
