"""``make loadtest`` asks for pages that exist: its URL list is built from the bench's data
modules, which change with the benches."""

import random

import pytest

from tests.factories import EnterpriseFactory, ReportFactory, YearFiguresFactory
from tests.load.__main__ import page_urls

pytestmark = pytest.mark.django_db


def test_every_kind_of_page_the_load_test_asks_for_answers(client):
    enterprise = EnterpriseFactory()
    for year in (2022, 2023, 2024):  # as the bench's enterprises report
        YearFiguresFactory(enterprise=enterprise, year=year)
    ReportFactory(title="Energie in de wijk")
    urls = page_urls(random.Random(1))
    assert set(urls) == {
        "home",
        "directory",
        "directory, filtered",
        "profile",
        "knowledge search",
        "FAQ",
        "monitor",
        "benchmark",
        "programme",
        "municipality list",
    }
    for kind, paths in urls.items():
        assert paths, kind
        for path in paths[:3]:
            assert client.get(path).status_code == 200, (kind, path)
