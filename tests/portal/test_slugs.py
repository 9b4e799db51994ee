"""One rule makes the URL slugs of enterprises and of pioneers' tracks unique."""

import pytest

from enterprises.models import Enterprise
from lsa_portal.slugs import unique_slug
from tests.factories import EnterpriseFactory


def _slug(text, taken=frozenset(), **options):
    options = {"fallback": "ding", "max_length": 60} | options
    return unique_slug(text, taken, **options)


def test_a_free_name_is_its_slug():
    assert _slug("Buurtbedrijf De Stek!") == "buurtbedrijf-de-stek"


def test_a_taken_slug_gets_the_next_free_number():
    assert _slug("De Stek", {"de-stek"}) == "de-stek-2"
    assert _slug("De Stek", {"de-stek", "de-stek-2", "de-stek-3"}) == "de-stek-4"


def test_a_reserved_word_gets_its_suffix_before_numbering():
    reserved = {"nieuw"}
    assert _slug("Nieuw", reserved=reserved, reserved_suffix="1") == "nieuw-1"
    assert _slug("Nieuw", {"nieuw-1"}, reserved=reserved, reserved_suffix="1") == "nieuw-1-2"


def test_nothing_left_of_the_text_gives_the_fallback():
    assert _slug("!!!") == "ding"
    assert _slug("", {"ding"}) == "ding-2"


def test_a_qualifier_comes_before_numbers():
    assert _slug("stek", {"stek"}, qualifier="2026") == "stek-2026"
    assert _slug("stek", {"stek", "stek-2026"}, qualifier="2026") == "stek-2026-2"
    assert _slug("stek", qualifier="2026") == "stek"


def test_a_cut_never_leaves_a_hyphen_at_the_end():
    # max_length 60 less the room for a number (20) leaves 40: the cut falls on the hyphen.
    assert _slug("b" * 39 + "-c") == "b" * 39
    assert _slug("b" * 38 + "-cd") == "b" * 38 + "-c"


@pytest.mark.parametrize("qualifier", ["", "cohort-2026"])
def test_a_long_text_leaves_room_for_the_qualifier_and_a_number(qualifier):
    taken = {"a" * 200}
    slug = _slug("a" * 200, taken, qualifier=qualifier)
    taken |= {slug}
    for _ in range(12):
        slug = _slug("a" * 200, taken, qualifier=qualifier)
        assert slug not in taken and len(slug) <= 60
        taken.add(slug)


@pytest.mark.django_db
def test_a_queryset_is_asked_once_for_the_slugs_like_the_base(django_assert_num_queries):
    EnterpriseFactory(slug="de-stek")
    EnterpriseFactory(slug="de-stek-2")
    EnterpriseFactory(slug="andere-stek")
    with django_assert_num_queries(1):
        assert _slug("De Stek", Enterprise.objects.all()) == "de-stek-3"
