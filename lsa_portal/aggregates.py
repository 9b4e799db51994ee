"""Aggregates the ORM lacks, computed by the database on PostgreSQL and SQLite alike.

``Median(expression)`` is ``percentile_cont(0.5) WITHIN GROUP (ORDER BY ...)`` on PostgreSQL (the
exact median: the middle value, or the mean of the two middle values) and an aggregate function
of the same definition that this module registers on every SQLite connection (the embedded
development database has no percentile functions). Knows no app.
"""

from __future__ import annotations

from django.db.backends.signals import connection_created
from django.db.models import Aggregate, FloatField


class Median(Aggregate):
    """The median of the non-null values of ``expression`` (a float; None without values)."""

    function = "PERCENTILE_CONT"
    name = "Median"
    output_field = FloatField()
    template = "%(function)s(0.5) WITHIN GROUP (ORDER BY %(expressions)s)"
    allow_distinct = False

    def as_sqlite(self, compiler, connection, **extra_context):
        # A copy with SQLite's function and a plain call: Aggregate.as_sql() reads the template
        # from the instance when it adds the FILTER clause.
        plain = self.copy()
        plain.function = SQLITE_MEDIAN
        plain.template = "%(function)s(%(expressions)s)"
        return super(Median, plain).as_sql(compiler, connection, **extra_context)


SQLITE_MEDIAN = "portal_median"


class _SQLiteMedian:
    """The SQLite side of :class:`Median`: collects the values, answers the middle one."""

    def __init__(self) -> None:
        self.values: list[float] = []

    def step(self, value) -> None:
        if value is not None:
            self.values.append(float(value))

    def finalize(self) -> float | None:
        if not self.values:
            return None
        ordered = sorted(self.values)
        middle = len(ordered) // 2
        if len(ordered) % 2:
            return ordered[middle]
        return (ordered[middle - 1] + ordered[middle]) / 2


def _register_sqlite_functions(sender, connection, **kwargs) -> None:
    if connection.vendor == "sqlite":
        connection.connection.create_aggregate(SQLITE_MEDIAN, 1, _SQLiteMedian)


connection_created.connect(_register_sqlite_functions, dispatch_uid="portal_sqlite_median")
