"""A municipality's figures on a phone and a desktop: the median per enterprise here stands
beside the national one, the total of the enterprises here apart from both, and nothing is
hidden or cut off."""

import pytest

from tests.browser.conftest import screenshot
from tests.factories import EnterpriseFactory, MunicipalityFactory, YearFiguresFactory

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def text(cell) -> str:
    return cell.inner_text().replace("\xa0", " ").strip()


def label(cell) -> str:
    """The label CSS puts above a value on a phone."""
    return cell.evaluate("e => getComputedStyle(e, '::before').content").strip('"')


def test_like_stands_beside_like_at_every_width(page):
    town = MunicipalityFactory(name="Proefstad", slug="proefstad")
    for sales in (40_000, 50_000, 600_000):
        YearFiguresFactory(enterprise=EnterpriseFactory(municipality=town), income_sales=sales)
    page.goto("/gemeenten/proefstad/")
    turnover = page.get_by_role("row", name="Totale omzet")
    here, national, total = (turnover.get_by_role("cell").nth(i) for i in range(3))
    for cell in (here, national, total):
        assert cell.is_visible()
    assert text(here) == "€ 100.000"  # 50 000 sales + 20 000 rent + 30 000 subsidies
    assert text(total) == "€ 840.000"
    boxes = [cell.bounding_box() for cell in (here, national, total)]
    assert boxes[0]["y"] == boxes[1]["y"] and boxes[0]["x"] < boxes[1]["x"]  # side by side
    if page.viewport_size["width"] < 640:
        # A block per measure: the two medians on one line, the total under them, labelled.
        assert boxes[2]["y"] > boxes[0]["y"] + boxes[0]["height"] - 1
        assert label(here) == "Mediaan hier" and label(national) == "Mediaan landelijk"
        assert label(total) == "Alle ondernemingen hier samen"
    else:
        assert boxes[2]["y"] == boxes[0]["y"] and boxes[2]["x"] > boxes[1]["x"]
    region = page.get_by_role("region", name="Cijfers samen, naast de landelijke mediaan")
    assert region.evaluate("e => e.scrollWidth <= e.clientWidth")  # nothing to scroll sideways
    screenshot(page, "municipality-figures")
