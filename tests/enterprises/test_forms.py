"""What residents type: postcodes, KvK numbers, amounts in euros, years."""

import pytest
from django.core.exceptions import ValidationError
from django.forms import modelform_factory
from django.utils import timezone
from hypothesis import given
from hypothesis import strategies as st

from enterprises import imports
from enterprises.forms import AssetForm, EuroField, ProfileForm, YearFiguresForm
from enterprises.models import Asset, Enterprise, YearFigures
from enterprises.validators import normalize_postcode, validate_postcode
from monitor.models import ReportingRound
from tests.factories import AssetFactory, EnterpriseFactory, YearFiguresFactory, profile_form_data


@pytest.mark.parametrize("typed", ["1234 AB", "1234ab", " 1234Ab ", "9999 ZZ"])
def test_valid_postcodes_are_accepted_and_normalised(typed):
    validate_postcode(typed)
    assert normalize_postcode(typed) == typed.strip()[:4] + " " + typed.strip()[-2:].upper()


@pytest.mark.parametrize(
    "typed", ["0123 AB", "123 AB", "1234 A", "1234 SS", "ABCD 12", "1234-AB", ""]
)
def test_invalid_postcodes_get_a_dutch_message(typed):
    with pytest.raises(ValidationError) as error:
        validate_postcode(typed)
    assert error.value.code == "invalid_postcode"


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("0123 AB", "Een Nederlandse postcode begint nooit met 0: de vier cijfers lopen van 1000"),
        ("0999ab", "Een Nederlandse postcode begint nooit met 0"),
        ("1234 SS", "De letters SA, SD en SS komen in een Nederlandse postcode nooit voor."),
        ("123 AB", "Vul een Nederlandse postcode in: vier cijfers en twee letters"),
    ],
)
def test_a_postcode_message_says_what_is_wrong_and_the_import_says_the_same(typed, message):
    """'0123 AB' has four digits and two letters: the message must not claim it lacks them."""
    with pytest.raises(ValidationError) as error:
        validate_postcode(typed)
    assert error.value.messages[0].startswith(message)
    if typed.startswith("0"):
        assert "vier cijfers en twee letters" not in error.value.messages[0]
    with pytest.raises(imports.CellError) as cell:
        imports.read_postcode("postcode", typed)
    assert str(cell.value) == f"postcode: {error.value.messages[0]}"


@pytest.mark.django_db
@pytest.mark.parametrize("typed", ["-5", "0", "1700", "2200", "99999"])
@pytest.mark.parametrize(
    ("model", "field"),
    [
        (Enterprise, "founded_year"),
        (Asset, "since_year"),
        (YearFigures, "year"),
        (ReportingRound, "year"),
    ],
)
def test_forms_built_from_the_models_give_one_message_for_any_year_out_of_range(
    typed, model, field
):
    """The admin's forms come from the models: -5 said "minstens 0" there, 1700 "minstens
    1900". Now every year out of range gets the message of the portal's own forms."""
    form = modelform_factory(model, fields=[field])({field: typed})
    assert not form.is_valid()
    assert form.errors[field] == ["Vul een jaar in tussen 1900 en 2100."]


@pytest.mark.django_db
@pytest.mark.parametrize("typed", ["-5", "1700"])
def test_the_directory_filter_gives_the_same_message_for_any_year_out_of_range(client, typed):
    html = client.get("/wijkondernemingen/", {"opgericht_vanaf": typed}).content.decode()
    assert "Vul een jaar in tussen 1900 en 2100." in html
    assert "minstens" not in html


@pytest.mark.parametrize(
    ("typed", "euros"),
    [("12500", 12500), ("12.500", 12500), ("€ 12.500", 12500), ("1.234.567", 1234567), ("0", 0)],
)
def test_amounts_are_read_as_people_type_them(typed, euros):
    assert EuroField().clean(typed) == euros


@pytest.mark.parametrize("typed", ["12,50", "twaalf", "-5", "1.2.3", "12.50"])
def test_amounts_that_are_not_whole_euros_are_refused(typed):
    with pytest.raises(ValidationError):
        EuroField().clean(typed)


@given(st.integers(min_value=0, max_value=2_000_000_000))
def test_any_amount_written_with_dutch_thousands_separators_reads_back(amount):
    written = f"{amount:,}".replace(",", ".")
    assert EuroField().clean(written) == amount
    assert EuroField().clean(f"€ {amount}") == amount


@given(st.text(max_size=40))
def test_any_typed_text_is_either_an_amount_or_a_validation_error(text):
    try:
        value = EuroField(required=False).clean(text)
    except ValidationError:
        return
    assert value is None or 0 <= value <= 2_000_000_000


@pytest.mark.django_db
def test_profile_form_rejects_bad_input_and_keeps_what_was_typed():
    form = _profile(
        EnterpriseFactory(),
        kvk_number="1234",
        founded_year="1700",
        postcode="12 AB",
        website="geen website",
        pitch="Kort",
        mission="Missie",
    )
    assert not form.is_valid()
    assert set(form.errors) >= {"kvk_number", "founded_year", "postcode", "website"}
    assert "8 cijfers" in form.errors["kvk_number"][0]
    assert "1234 AB" in form.errors["postcode"][0]
    html = str(form)
    assert 'value="12 AB"' in html
    assert 'aria-invalid="true"' in html


@pytest.mark.django_db
def test_a_year_can_only_be_entered_once_per_enterprise():
    existing = YearFiguresFactory(year=2023)
    form = YearFiguresForm({"year": "2023", "income_sales": "100"}, enterprise=existing.enterprise)
    assert not form.is_valid()
    assert "2023" in form.errors["year"][0]


@pytest.mark.django_db
def test_year_figures_form_saves_whole_euros():
    enterprise = EnterpriseFactory()
    data = {
        "year": "2024",
        "income_sales": "12.500",
        "income_subsidies": "€ 3000",
        "expenses": "9.000",
        "paid_staff_fte": "1,5",
        "volunteers": "12",
        "people_from_benefits": "2",
        "residents_reached": "400",
    }
    data.update(
        dict.fromkeys(
            (
                "income_rent",
                "income_contributions",
                "income_public_contracts",
                "income_funds",
                "income_donations",
                "income_loans",
            ),
            "0",
        )
    )
    form = YearFiguresForm(data, enterprise=enterprise)
    assert form.is_valid(), form.errors
    saved = form.save()
    assert (saved.income_sales, saved.income_subsidies, saved.expenses) == (12500, 3000, 9000)
    assert str(saved.paid_staff_fte) == "1.5"


def _profile(enterprise, **typed) -> ProfileForm:
    return ProfileForm(profile_form_data(enterprise, **typed), instance=enterprise)


@pytest.mark.django_db
@pytest.mark.parametrize("hidden", ["\u202e", "\u2067", "\x07", "\x1b"])
def test_names_with_invisible_direction_or_control_characters_are_refused(hidden):
    """A name shown to others cannot carry characters that turn the text around it."""
    form = _profile(
        EnterpriseFactory(),
        name=f"Buurtbedrijf{hidden}roon",
        pitch=f"Wij doen{hidden} alles",
        mission=f"Een wijk\nwaar{hidden} iedereen meedoet.",
        contact_name="Fatima",
    )
    assert not form.is_valid()
    assert set(form.errors) == {"name", "pitch", "mission"}
    assert "onzichtbare" in form.errors["name"][0]


@pytest.mark.django_db
def test_names_in_right_to_left_scripts_are_welcome():
    form = _profile(
        EnterpriseFactory(),
        name="Buurtbedrijf السلام",
        contact_name="שרה",
        mission="Een wijk\r\nwaar\tiedereen meedoet.",
    )
    assert form.is_valid(), form.errors


@pytest.mark.django_db
@pytest.mark.parametrize("typed", ["2050", "-5", "1700", "10000000000"])
def test_a_founding_year_out_of_range_gets_one_message_with_both_bounds(typed):
    this_year = timezone.localdate().year
    form = _profile(EnterpriseFactory(), founded_year=typed)
    assert not form.is_valid()
    assert form.errors["founded_year"] == [f"Vul een jaar in tussen 1900 en {this_year}."]


@pytest.mark.django_db
def test_this_year_is_a_valid_founding_year():
    this_year = timezone.localdate().year
    form = _profile(EnterpriseFactory(), founded_year=str(this_year))
    assert "founded_year" not in form.errors


@pytest.mark.django_db
def test_figures_over_a_year_that_has_not_begun_are_refused():
    next_year = timezone.localdate().year + 1
    form = YearFiguresForm({"year": str(next_year)}, enterprise=EnterpriseFactory())
    assert not form.is_valid()
    assert str(next_year - 1) in form.errors["year"][0]


def _asset_form(**typed) -> AssetForm:
    data = {"kind": "gebouw", "name": "Het badhuis", "tenure": "", "ground_tenure": ""}
    data.update(typed)
    enterprise: Enterprise = EnterpriseFactory.create()
    return AssetForm(data, instance=Asset(enterprise=enterprise))


@pytest.mark.django_db
def test_an_owned_building_on_leasehold_ground_is_recorded_as_both():
    form = _asset_form(tenure="eigendom", ground_tenure="erfpacht")
    assert form.is_valid(), form.errors
    asset = form.save()
    assert (asset.tenure, asset.ground_tenure) == ("eigendom", "erfpacht")
    assert asset.holding == "Eigendom · grond: erfpacht"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("typed", "field", "message"),
    [
        ({"tenure": "eigendom"}, "ground_tenure", "Kies hoe u de grond onder het gebouw houdt"),
        ({"tenure": "huur", "ground_tenure": "eigendom"}, "ground_tenure", "laat dit leeg"),
        ({"tenure": ""}, "tenure", "Kies of u het in eigendom hebt, huurt of beheert."),
        ({"kind": "grond", "tenure": "huur", "ground_tenure": "huur"}, "tenure", "Een perceel"),
        ({"kind": "grond"}, "ground_tenure", "Kies hoe u dit perceel houdt."),
    ],
)
def test_building_and_ground_tenure_that_do_not_fit_get_a_dutch_message(typed, field, message):
    form = _asset_form(**typed)
    assert not form.is_valid()
    assert message in form.errors[field][0]


@pytest.mark.django_db
def test_the_database_refuses_a_plot_of_land_with_a_building_tenure():
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        AssetFactory(kind="grond", tenure="huur", ground_tenure="huur")


@pytest.mark.django_db
def test_the_figures_form_shows_last_years_figures_beside_each_field():
    previous = YearFiguresFactory(year=2023, income_sales=12_500, volunteers=7, income_loans=0)
    form = YearFiguresForm(
        enterprise=previous.enterprise, previous=previous, year=2024, instance=YearFigures()
    )
    assert form.fields["income_sales"].help_text == "In 2023: € 12.500."
    assert form.fields["volunteers"].help_text == "In 2023: 7."
    loans_help = form.fields["income_loans"].help_text
    assert loans_help.startswith("In 2023: € 0. Financiering, geen omzet")
    assert form.fields["year"].disabled
