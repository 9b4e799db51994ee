"""Migration 0008 keeps an item's themes and audiences once, as bit masks with each theme's and
audience's own bit (enterprises 0011 numbers the themes, 0008 the audiences): every mask is
rebuilt from the slugs (a facet whose key was 63 or more, which had no bit until then, gets one),
and going back fills in the slugs and the old masks (the bit ``1 << pk`` below key 63) that the
code before it reads."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from tests.migrating import migrate_to, newest_migrations_afterwards  # noqa: F401 - a fixture

pytestmark = [
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.usefixtures("newest_migrations_afterwards"),
]

BEFORE = (
    ("enterprises", "0010_yearfigures_year_index"),
    ("knowledge", "0007_subscriber_confirmed_at"),
)
AFTER = (("enterprises", "0011_theme_bit"), ("knowledge", "0008_facets_stored_once"))
OLD_BITS = 63


def _old_mask(*rows) -> int:
    return sum(1 << row.pk for row in rows if 0 < row.pk < OLD_BITS)


def test_masks_are_rebuilt_from_the_slugs_and_the_slugs_come_back():
    apps = migrate_to(*BEFORE)
    Theme = apps.get_model("enterprises", "Theme")
    Audience = apps.get_model("knowledge", "Audience")
    SearchDocument = apps.get_model("knowledge", "SearchDocument")
    first = Theme.objects.order_by("pk").first()
    assert first is not None and first.pk < OLD_BITS
    # A theme and an audience with keys the old masks had no bit for.
    late = Theme.objects.create(pk=70, slug="laat-thema", name="Laat thema")
    high = Audience.objects.create(pk=100, slug="hoog_publiek", name="Hoog publiek")
    low = Audience.objects.order_by("pk").first()
    assert low is not None and low.pk < OLD_BITS
    keys = {
        "theme_keys": f"|{'|'.join(sorted([first.slug, late.slug]))}|",
        "audience_keys": f"|{'|'.join(sorted([high.slug, low.slug]))}|",
    }
    published = datetime(2025, 5, 1, tzinfo=UTC)
    common = {"kind": "rapport", "published_at": published, "date": date(2025, 5, 1), "year": 2025}
    SearchDocument.objects.create(
        object_id=1,
        url="/kennisbank/rapporten/een/",
        title="Een",
        theme_mask=_old_mask(first, late),
        audience_mask=_old_mask(high, low),
        **keys,
        **common,
    )
    SearchDocument.objects.create(object_id=2, url="/kennisbank/rapporten/twee/", **common)

    apps = migrate_to(*AFTER)
    themes = {row.slug: row.bit for row in apps.get_model("enterprises", "Theme").objects.all()}
    audiences = {row.slug: row.bit for row in apps.get_model("knowledge", "Audience").objects.all()}
    for numbered in (themes, audiences):  # each its own bit, those from key 63 up too
        assert len(set(numbered.values())) == len(numbered) and max(numbered.values()) < OLD_BITS
    assert themes[first.slug] == first.pk  # a bit it had stays
    rows = {
        row.object_id: (row.theme_mask, row.audience_mask)
        for row in apps.get_model("knowledge", "SearchDocument").objects.all()
    }
    assert rows == {
        1: (
            (1 << themes[first.slug]) | (1 << themes[late.slug]),
            (1 << audiences[high.slug]) | (1 << audiences[low.slug]),
        ),
        2: (0, 0),
    }

    apps = migrate_to(*BEFORE)
    back = {
        row.object_id: (row.theme_keys, row.audience_keys, row.theme_mask, row.audience_mask)
        for row in apps.get_model("knowledge", "SearchDocument").objects.all()
    }
    assert back == {
        1: (keys["theme_keys"], keys["audience_keys"], _old_mask(first), _old_mask(low)),
        2: ("", "", 0, 0),
    }
