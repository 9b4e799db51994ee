"""The country map with a keyboard and a mouse: Tab reaches a municipality on the map, which
names itself, shows a thick edge and its tip; Enter opens its page; hovering shows the tip too.
Every tip's text fits its box in a real browser."""

import pytest
from django.template.loader import render_to_string
from django.utils import translation

from enterprises.models import EnterpriseStatus, Municipality
from municipalities import geo, maps
from tests.browser.axe import BLOCKING, charts_without_text_alternative, describe, run_axe
from tests.browser.conftest import SCREENSHOTS, screenshot
from tests.browser.keyboard import focused, tab_to
from tests.factories import EnterpriseFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# The tip of the focused (or hovered) link: whether it shows, and its lines.
TIP = """(link) => {
  const tip = link.querySelector('.map__label');
  return {
    visibility: getComputedStyle(tip).visibility,
    lines: [...tip.querySelectorAll('text')].map(text => text.textContent),
  };
}"""


@pytest.fixture
def towns():
    utrecht = Municipality.objects.get(cbs_code="GM0344")
    EnterpriseFactory.create_batch(2, municipality=utrecht)
    EnterpriseFactory(municipality=utrecht, status=EnterpriseStatus.SUBMITTED, published_at=None)
    for code in ("GM0307", "GM0014", "GM0935", "GM0518", "GM0523", "GM0820"):
        EnterpriseFactory(municipality=Municipality.objects.get(cbs_code=code))
    return utrecht


def _shot(page, name: str) -> None:
    """The visible part only: where the focus or the pointer is."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=SCREENSHOTS / f"{name}-{page.viewport_size['width']}.png")


def test_tab_reaches_a_municipality_on_the_map_and_enter_opens_it(page, towns):
    page.goto("/gemeenten/")
    screenshot(page, "country-map")
    reached = tab_to(page, "Utrecht: 2 wijkondernemingen", exact=True)  # every stop shows focus
    assert reached["tag"] == "a" and reached["edge"]
    link = page.locator("a[aria-label='Utrecht: 2 wijkondernemingen']")
    assert link.evaluate(TIP, link.element_handle()) == {
        "visibility": "visible",
        "lines": ["Utrecht ", "2 wijkondernemingen"],
    }
    shape = link.locator("path")
    assert shape.evaluate("path => getComputedStyle(path).fill") == "rgb(255, 209, 0)"
    assert shape.evaluate("path => getComputedStyle(path).stroke") == "rgb(11, 12, 12)"
    # The other tips stay hidden: only one label shows at a time.
    visible = page.evaluate(
        "[...document.querySelectorAll('.map__label')]"
        ".filter(tip => getComputedStyle(tip).visibility === 'visible').length"
    )
    assert visible == 1
    _shot(page, "gemeenten-focus")
    page.keyboard.press("Enter")
    page.wait_for_url("**/gemeenten/utrecht/")
    assert page.get_by_role("heading", level=1).inner_text() == "Gemeente Utrecht"


def test_the_map_can_be_skipped_to_the_list(page, towns):
    page.goto("/gemeenten/")
    tab_to(page, "Sla de kaart over: naar de lijst", exact=True)
    page.keyboard.press("Enter")
    page.keyboard.press("Tab")
    assert focused(page)["name"] == "Gemeente"  # the search field above the list


def test_hovering_a_municipality_shows_its_tip(page, towns):
    page.goto("/gemeenten/")
    link = page.locator("a[aria-label='Amersfoort: 1 wijkonderneming']")
    assert link.evaluate(TIP, link.element_handle())["visibility"] == "hidden"
    link.locator("path").hover()
    assert link.evaluate(TIP, link.element_handle()) == {
        "visibility": "visible",
        "lines": ["Amersfoort ", "1 wijkonderneming"],
    }
    _shot(page, "gemeenten-hover")


def test_every_tip_fits_its_box_in_the_browser(page, live_server):
    """All 342 municipalities as links, their tips measured with the fonts Chromium uses."""
    rows = Municipality.objects.values_list("cbs_code", "name", "slug")
    page.goto("/gemeenten/")
    results = {}
    for language in ("nl", "en"):
        with translation.override(language):
            country = maps.country_map(
                {code: 300 + index for index, (code, _, _) in enumerate(rows)},
                {code: f"/gemeenten/{slug}/" for code, _, slug in rows},
                names={code: name for code, name, _ in rows},
            )
            svg = render_to_string("includes/_map.html", {"map": country})
        page.set_content(
            f'<link rel="stylesheet" href="{live_server.url}/static/css/portal.css">{svg}'
        )
        page.wait_for_load_state()
        results[language] = page.evaluate(
            """() => [...document.querySelectorAll('.map__label')].map(tip => {
              const width = tip.querySelector('rect').width.baseVal.value;
              const height = tip.querySelector('rect').height.baseVal.value;
              const texts = [...tip.querySelectorAll('text')];
              const box = tip.getBBox();
              return {
                name: texts[0].textContent,
                fits: texts.every(t => t.getBBox().x + t.getBBox().width <= width - 4)
                  && box.height <= height + 0.5 && box.width <= width + 0.5,
              };
            })"""
        )
    for language, tips in results.items():
        assert len(tips) == len(geo.codes())
        assert [tip["name"] for tip in tips if not tip["fits"]] == [], language


@pytest.mark.parametrize("path", ["/gemeenten/", "/gemeenten/?q=utr", "/"])
def test_the_pages_with_the_map_have_no_serious_accessibility_violation(axe_page, towns, path):
    """The world of tests/browser/test_accessibility.py has its enterprises in invented
    municipalities (no shape, so no link on its map): here the map has links, and a tip shows."""
    axe_page.goto(path)
    tips = ["(no map link)"]
    if path.startswith("/gemeenten/"):
        tab_to(axe_page, "Utrecht: 2 wijkondernemingen", exact=True)
        # Names on two lines, the one broken after its hyphen.
        tips = ["Utrecht", "Hardinxveld-Giessendam", "Nuenen, Gerwen en Nederwetten"]
    for name in tips:
        if name != tips[0]:
            axe_page.locator(f"a[aria-label='{name}: 1 wijkonderneming']").focus()
        blocking = [v for v in run_axe(axe_page) if v["impact"] in BLOCKING]
        assert not blocking, f"{name}: {describe(blocking)}"
    assert charts_without_text_alternative(axe_page) == []
