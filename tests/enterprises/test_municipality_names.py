"""Municipalities by the names people use: 'Den Haag' finds 's-Gravenhage everywhere a
municipality is searched or picked."""

import re

import pytest
from django.urls import reverse

from enterprises.forms import RegisterForm
from enterprises.models import Municipality
from enterprises.names import fold, municipality_search_names
from tests.factories import EnterpriseFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("typed", "folded"),
    [
        ("'s-Gravenhage", "s gravenhage"),
        ("Súdwest-Fryslân", "sudwest fryslan"),
        ("  Den   HAAG ", "den haag"),
        ("Nuenen, Gerwen en Nederwetten", "nuenen gerwen en nederwetten"),
        ("\u2019s-Hertogenbosch", "s hertogenbosch"),
    ],
)
def test_names_are_folded_as_people_type_them(typed, folded):
    assert fold(typed) == folded


def test_the_reference_data_knows_den_haag_and_den_bosch():
    assert Municipality.objects.get(cbs_code="GM0518").aliases == ["Den Haag"]
    assert Municipality.objects.get(cbs_code="GM0796").aliases == ["Den Bosch"]
    assert Municipality.objects.get(cbs_code="GM0518").search_names == municipality_search_names(
        "'s-Gravenhage", "Den Haag"
    )


def test_a_renamed_municipality_keeps_its_search_names_in_step():
    utrecht = Municipality.objects.get(cbs_code="GM0344")
    utrecht.other_names = "Domstad"
    utrecht.save()
    assert "|domstad|" in Municipality.objects.get(pk=utrecht.pk).search_names


@pytest.mark.parametrize("typed", ["Den Haag", "den haag", "gravenhage", "'s-Gravenhage"])
def test_the_directory_search_finds_the_enterprises_of_den_haag(client, typed):
    haag = Municipality.objects.get(cbs_code="GM0518")
    EnterpriseFactory(name="Buurtbedrijf Duinoord", municipality=haag)
    EnterpriseFactory(name="Elders Actief")
    html = client.get(reverse("enterprises:index"), {"q": typed}).content.decode()
    assert "Buurtbedrijf Duinoord" in html
    assert "Elders Actief" not in html


@pytest.mark.parametrize("typed", ["Den Bosch", "hertogenbosch"])
def test_the_municipality_list_finds_den_bosch(client, typed):
    bosch = Municipality.objects.get(cbs_code="GM0796")
    EnterpriseFactory(municipality=bosch)
    response = client.get(reverse("municipalities:index"), {"q": typed})
    assert response.status_code == 200
    listed = re.findall(r'<th scope="row"><a href="([^"]+)">', response.content.decode())
    assert listed == [reverse("municipalities:detail", args=[bosch.slug])]


def test_the_picker_offers_den_haag_as_well_as_s_gravenhage():
    html = str(RegisterForm()["municipality"])
    haag = Municipality.objects.get(cbs_code="GM0518")
    assert f'<option value="{haag.pk}">Den Haag (&#x27;s-Gravenhage)</option>' in html
    assert f'<option value="{haag.pk}">&#x27;s-Gravenhage</option>' in html
    # In alphabetical order of what is typed: Den Haag among the D's, before Deventer.
    assert html.index("Den Haag (") < html.index(">Deventer<")


def test_choosing_den_haag_in_the_picker_registers_in_s_gravenhage(client):
    from tests.factories import UserFactory

    haag = Municipality.objects.get(cbs_code="GM0518")
    client.force_login(UserFactory())
    client.post(
        reverse("enterprises:register"),
        {
            "name": "Haagse Wijkwinkel",
            "kind": "wijkonderneming",
            "municipality": str(haag.pk),
            "neighbourhood": "Transvaal",
        },
    )
    assert haag.enterprises.get().name == "Haagse Wijkwinkel"


def test_only_the_official_option_is_marked_selected():
    haag = Municipality.objects.get(cbs_code="GM0518")
    html = str(RegisterForm(initial={"municipality": haag.pk})["municipality"])
    assert html.count(" selected") == 1
    assert f'<option value="{haag.pk}" selected>&#x27;s-Gravenhage</option>' in html
