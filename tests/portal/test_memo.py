"""The layout's fixed parts are rendered once and reused (``{% memo %}``): per language and
per named value, never with anything else of the visitor."""

import re

import pytest
from django.template import engines
from django.test import RequestFactory
from django.utils import translation

from tests.factories import StaffFactory

pytestmark = pytest.mark.django_db


def _template(source: str):
    return engines["django"].from_string("{% load i18n memo %}" + source)


def test_a_part_is_rendered_once_per_language_and_named_value():
    calls = []
    template = _template(
        '{% memo section=section %}{{ counter }}{% translate "Municipalities" %}'
        " {{ section }}{% endmemo %}"
    )

    def counter():
        calls.append(1)
        return len(calls)

    def render(section):
        return template.render({"section": section, "counter": counter})

    with translation.override("nl"):
        assert render("wijkbv") == "Gemeenten wijkbv"  # counter was not named: not seen
        assert render("wijkbv") == render("wijkbv")
        assert render("gemeenten").endswith("gemeenten")
    with translation.override("en"):
        assert render("wijkbv") == "Municipalities wijkbv"
    assert calls == []


def test_a_part_never_sees_the_visitor(client):
    staff = StaffFactory(first_name="Geheime", last_name="Naam")
    template = _template("{% memo %}[{{ user }}{{ csrf_token }}{{ request.path }}]{% endmemo %}")
    request = RequestFactory().get("/geheim/")
    request.user = staff
    assert template.render({}, request) == "[]"


def test_the_layout_marks_the_section_of_each_page(client):
    def current(url):
        html = client.get(url).content.decode()
        nav = html.split('class="main-nav"')[1].split("</nav>")[0]
        return re.findall(r'<a href="([^"]+)" aria-current="true"', nav)

    assert current("/gemeenten/") == ["/gemeenten/"]
    assert current("/wijkbv/") == ["/wijkbv/"]
    assert current("/kennisbank/") == ["/kennisbank/"]
    assert current("/gemeenten/") == ["/gemeenten/"]
    assert current("/") == []


def test_the_layout_follows_the_language_and_the_visitor(client):
    html = client.get("/").content.decode()
    assert "Wijkondernemingen</a>" in html
    assert 'value="nl" lang="nl"\n            aria-pressed="true"' in html
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    html = client.get("/").content.decode()
    assert ">Directory</a>" in html
    assert 'value="en" lang="en"\n            aria-pressed="true"' in html
    client.force_login(StaffFactory())
    html = client.get("/").content.decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)
    assert html.count(token) >= 1
    assert token not in client.get("/").content.decode()  # a fresh token every response


def test_a_changed_setting_is_followed(settings):
    template = _template("{% memo %}{% get_available_languages as l %}{{ l|length }}{% endmemo %}")
    assert template.render({}) == "2"
    settings.LANGUAGES = [("nl", "Nederlands")]
    assert template.render({}) == "1"


def test_a_part_is_kept_after_its_first_render():
    template = _template('{% memo %}{% now "U u" %}{% endmemo %}')
    unmemoized = engines["django"].from_string('{% now "U u" %}')
    first = template.render({})
    assert unmemoized.render({}) != unmemoized.render({})  # the clock moves on...
    assert template.render({}) == first  # ...the kept part does not


def test_a_block_cannot_be_kept():
    from django.template import TemplateSyntaxError

    with pytest.raises(TemplateSyntaxError):
        _template("{% memo %}{% block title %}{% endblock %}{% endmemo %}")
