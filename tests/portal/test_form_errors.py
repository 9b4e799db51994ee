"""Every form of the portal renders its errors so that a screen reader finds them: each invalid
field says so (aria-invalid) and names its message (aria-describedby → the message's id), and a
summary on top is announced (role="alert"), takes the focus (autofocus) and links to each field."""

from html.parser import HTMLParser

import pytest
from django import forms

from tests.factories import UserFactory


class Elements(HTMLParser):
    """The start tags of a page by id, plus the ones without an id, in order."""

    def __init__(self, html: str):
        super().__init__()
        self.tags: list[tuple[str, dict]] = []
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, {name: value or "" for name, value in attrs}))

    def by_id(self, element_id: str) -> tuple[str, dict]:
        return next((t, a) for t, a in self.tags if a.get("id") == element_id)

    def all(self, tag: str, **attrs) -> list[dict]:
        return [
            a
            for t, a in self.tags
            if t == tag and all(a.get(k.replace("_", "-")) == v for k, v in attrs.items())
        ]


class SampleForm(forms.Form):
    name = forms.CharField(label="Naam", help_text="Zoals de buren je kennen.")
    email = forms.EmailField(label="E-mailadres")
    choice = forms.ChoiceField(
        label="Besluit", choices=[("ja", "Ja"), ("nee", "Nee")], widget=forms.RadioSelect
    )
    agree = forms.BooleanField(label="Ik ga akkoord")
    note = forms.CharField(label="Toelichting", required=False)


def test_each_invalid_field_names_its_message_and_the_summary_links_to_it():
    form = SampleForm({"email": "geen-adres"})
    assert not form.is_valid()
    html = str(form)
    page = Elements(html)

    _, name = page.by_id("id_name")
    assert name["aria-invalid"] == "true"
    assert name["aria-describedby"] == "id_name_helptext id_name_error"
    assert page.by_id("id_name_error")[1]["class"] == "errorlist"
    assert page.by_id("id_name_helptext")[1]["class"] == "helptext"

    _, email = page.by_id("id_email")
    assert email["aria-invalid"] == "true" and email["aria-describedby"] == "id_email_error"
    assert "Voer een geldig e-mailadres in." in html

    # A group of radio buttons: each button is invalid, the fieldset names the message.
    assert page.by_id("id_choice_0")[1]["aria-invalid"] == "true"
    assert page.all("fieldset", aria_describedby="id_choice_error")
    _, agree = page.by_id("id_agree")
    assert agree["aria-invalid"] == "true" and agree["aria-describedby"] == "id_agree_error"

    _, note = page.by_id("id_note")  # valid and optional: nothing claimed
    assert "aria-invalid" not in note and "aria-describedby" not in note

    _, summary = page.by_id("form-error-summary")
    (box,) = page.all("div", role="alert")
    assert box["class"] == "error-summary" and "autofocus" in box and box["tabindex"] == "-1"
    assert box["aria-labelledby"] == "form-error-summary" and summary
    links = [a["href"] for a in page.all("a")]
    assert links == ["#id_name", "#id_email", "#id_choice_0", "#id_agree"]
    assert "Naam: Dit veld is verplicht." in html


def test_a_form_without_errors_has_no_summary_and_claims_nothing():
    html = str(SampleForm())
    assert "error-summary" not in html and 'role="alert"' not in html
    assert "aria-invalid" not in html
    assert 'aria-describedby="id_name_helptext"' in html  # help text is still tied


def test_non_field_errors_are_in_the_summary_once():
    class PairForm(forms.Form):
        first = forms.CharField(label="Eerste")

        def clean(self):
            raise forms.ValidationError("Deze combinatie kan niet.")

    html = str(PairForm({"first": "x"}))
    assert html.count("Deze combinatie kan niet.") == 1
    assert 'role="alert"' in html


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("url", "data", "field_id"),
    [
        ("/accounts/signup/", {"email": "geen-adres"}, "id_email"),
        ("/accounts/login/", {}, "id_login"),
        ("/wijkondernemingen/aanmelden/", {"name": ""}, "id_name"),
        ("/kennisbank/advies/", {"name": ""}, "id_name"),
    ],
)
def test_pages_with_errors_tie_them_to_their_fields(client, url, data, field_id):
    if url.startswith("/wijkondernemingen/"):
        client.force_login(UserFactory())
    response = client.post(url, data)
    assert response.status_code == 200
    html = response.content.decode()
    page = Elements(html)
    _, field = page.by_id(field_id)
    assert field["aria-invalid"] == "true"
    assert f"{field_id}_error" in field["aria-describedby"].split()
    assert page.by_id(f"{field_id}_error")
    (box,) = page.all("div", role="alert")
    assert "autofocus" in box
    assert f'href="#{field_id}"' in html
    assert "Verbeter eerst het volgende" in html
