"""The fragment cache: a fragment is served until one of its namespaces changes, in the
language it was made in, never from a version series that the cache lost and started again."""

import pytest
from django.core.cache import cache
from django.db import transaction
from django.utils import translation

from lsa_portal import fragment_cache

pytestmark = pytest.mark.django_db


class Renders:
    """A render function that says how often it ran."""

    def __init__(self):
        self.count = 0

    def __call__(self):
        self.count += 1
        return f"<p>versie {self.count}</p>"


def test_a_fragment_is_made_once_until_its_namespace_changes():
    render = Renders()
    assert fragment_cache.cached("proef", "lijst", render) == "<p>versie 1</p>"
    assert fragment_cache.cached("proef", "lijst", render) == "<p>versie 1</p>"
    fragment_cache.bump("proef")
    assert fragment_cache.cached("proef", "lijst", render) == "<p>versie 2</p>"
    assert render.count == 2


def test_a_fragment_of_several_namespaces_follows_each_of_them():
    render = Renders()
    fragment_cache.cached(("a", "b"), "pagina", render)
    fragment_cache.bump("b")
    assert fragment_cache.cached(("a", "b"), "pagina", render) == "<p>versie 2</p>"
    fragment_cache.bump("a")
    assert fragment_cache.cached(("a", "b"), "pagina", render) == "<p>versie 3</p>"
    fragment_cache.bump("c")  # another namespace: nothing changes
    assert fragment_cache.cached(("a", "b"), "pagina", render) == "<p>versie 3</p>"


def test_identities_and_languages_are_kept_apart():
    render = Renders()
    fragment_cache.cached("proef", "rol=medewerker", render)
    assert fragment_cache.cached("proef", "rol=lid", render) == "<p>versie 2</p>"
    with translation.override("en"):
        assert fragment_cache.cached("proef", "rol=lid", render) == "<p>versie 3</p>"


def test_a_lost_version_never_brings_back_a_stale_fragment():
    render = Renders()
    fragment_cache.cached("proef", "lijst", render)
    fragment_cache.bump("proef")
    fragment_cache.cached("proef", "lijst", render)  # versie 2 under the new version
    stale_version = fragment_cache.version("proef") - 1
    cache.delete("fragments:proef:version")  # evicted, or the cache restarted
    assert fragment_cache.version("proef") != stale_version
    assert fragment_cache.cached("proef", "lijst", render) == "<p>versie 3</p>"


def test_the_lifetime_bounds_how_long_a_fragment_is_kept(monkeypatch):
    timeouts = []
    original_set = cache.set
    monkeypatch.setattr(
        cache,
        "set",
        lambda key, value, timeout: timeouts.append(timeout) or original_set(key, value, timeout),
    )
    fragment_cache.cached("proef", "kort", Renders(), lifetime=lambda: 42.7)
    fragment_cache.cached("proef", "lang", Renders(), lifetime=lambda: 10_000)
    fragment_cache.cached("proef", "voorbij", Renders(), lifetime=lambda: -5)
    assert timeouts == [42, fragment_cache.TIMEOUT_SECONDS, 1]


@pytest.mark.django_db(transaction=True)
def test_a_change_bumps_again_when_its_transaction_commits():
    render = Renders()
    with transaction.atomic():
        fragment_cache.bump("proef")
        # A page rendered now still reads the old data, under the new version...
        fragment_cache.cached("proef", "lijst", render)
    # ...so the commit makes that fragment stale as well.
    assert fragment_cache.cached("proef", "lijst", render) == "<p>versie 2</p>"
