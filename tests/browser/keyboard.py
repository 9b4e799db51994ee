"""Moving through a page the way a keyboard user does: Tab and Shift+Tab to the control whose
name is wanted, checking on the way that every control shows where the focus is."""

from __future__ import annotations

# The focused element: its name as a person hears it (label, aria-label, text) and how its focus
# is drawn. A focus indicator is an outline or a box shadow that the :focus-visible rule draws;
# a link on a map (an SVG <a>, which draws no outline of its own) shows it as a thick edge
# around its shape.
FOCUSED = """() => {
  const el = document.activeElement;
  if (!el || el === document.body) return null;
  const byIds = (el.getAttribute('aria-labelledby') || '').split(/\\s+/).filter(Boolean)
    .map(id => document.getElementById(id)?.innerText || '').join(' ');
  const label = el.labels && el.labels.length ? el.labels[0].innerText : '';
  const name = (el.getAttribute('aria-label') || byIds || label || el.innerText || el.value || '')
    .replace(/\\s+/g, ' ').trim();
  const style = getComputedStyle(el);
  const shape = el instanceof SVGElement ? el.querySelector('path') : null;
  const rect = (shape || el).getBoundingClientRect();
  return {
    tag: el.tagName.toLowerCase(),
    id: el.id,
    name,
    inMain: !!el.closest('main'),
    focusVisible: el.matches(':focus-visible'),
    outline: style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) > 0,
    shadow: style.boxShadow !== 'none',
    edge: !!shape && parseFloat(getComputedStyle(shape).strokeWidth) >= 3,
    onScreen: rect.bottom > 0 && rect.right > 0 && rect.top < innerHeight && rect.left < innerWidth,
  };
}"""


def focused(page) -> dict | None:
    return page.evaluate(FOCUSED)


def assert_focus_visible(page) -> dict:
    """The focused control draws a visible focus indicator and is scrolled into view."""
    now = focused(page)
    assert now, "nothing has the focus"
    assert now["focusVisible"] and (now["outline"] or now["shadow"] or now["edge"]), (
        f"focus not visible: {now}"
    )
    assert now["onScreen"], f"the focused control is off screen: {now}"
    return now


FIELDS = ("input", "select", "textarea")


def tab_to(
    page,
    name: str,
    *,
    exact: bool = False,
    backwards: bool = False,
    field: bool = False,
    limit: int = 80,
):
    """Press Tab (or Shift+Tab) until the control named ``name`` (a form field, with ``field``)
    has the focus; every control passed on the way must show its focus."""
    key = "Shift+Tab" if backwards else "Tab"
    seen = []
    for _ in range(limit):
        page.keyboard.press(key)
        now = assert_focus_visible(page)
        seen.append(now["name"])
        named = (now["name"] == name) if exact else now["name"].startswith(name)
        if named and (now["tag"] in FIELDS or not field):
            return now
    raise AssertionError(f"{name!r} not reached with {key}; passed {seen}")


def type_into(page, label: str, text: str, **options) -> None:
    """Tab to the field labelled ``label`` and type ``text`` (key by key at a person's pace: a
    closed <select> only picks an option by typing when the keys do not all arrive at once)."""
    tab_to(page, label, field=True, **options)
    page.keyboard.type(text, delay=40)
