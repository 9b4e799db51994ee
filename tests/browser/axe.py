"""axe-core in the browser tests: the copy that `npm ci` installed from the npm registry (pinned in
package-lock.json), injected into the page by Playwright; never a CDN."""

from __future__ import annotations

from pathlib import Path

from tests.conftest import require_service

AXE_JS = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"

# The WCAG 2.1 A and AA rules; axe's "best-practice" rules are not part of the standard.
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
BLOCKING = ("critical", "serious")
IMPACTS = ("critical", "serious", "moderate", "minor")


def require_axe() -> None:
    """Skip on a machine without node_modules; under CI=true a missing axe-core fails."""
    require_service(AXE_JS.exists(), f"axe-core at {AXE_JS} (make node_modules/.installed)")


def run_axe(page) -> list[dict]:
    """The WCAG 2.1 AA violations on the page as it is now, each with its impact and nodes."""
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.add_script_tag(path=str(AXE_JS))
    result = page.evaluate(
        """tags => axe.run(document, {
          runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']
        })""",
        WCAG_TAGS,
    )
    return result["violations"]


def by_impact(violations: list[dict]) -> dict[str, int]:
    """How many elements fail, per impact."""
    counts = dict.fromkeys(IMPACTS, 0)
    for violation in violations:
        counts[violation["impact"] or "minor"] += len(violation["nodes"])
    return counts


def describe(violations: list[dict]) -> str:
    """A readable list of what failed and where, for an assertion message."""
    lines = []
    for violation in violations:
        targets = ", ".join(str(node["target"]) for node in violation["nodes"][:5])
        lines.append(f"  {violation['impact']} {violation['id']}: {violation['help']} [{targets}]")
    return "\n".join(lines)


# Charts are inline SVG: each one that is not hidden from assistive technology must be an image
# with a name (its text alternative); decorative ones are aria-hidden. A map whose municipalities
# are links is a named group of links instead (an image's children are hidden from assistive
# technology), each link with its own name.
CHARTS_WITHOUT_TEXT = """() => [...document.querySelectorAll('main svg')]
  .filter(svg => !svg.parentElement.closest('svg') && !svg.closest('[aria-hidden="true"]'))
  .filter(svg => {
    const links = [...svg.querySelectorAll('a[href]')];
    const role = svg.getAttribute('role');
    if (role !== 'img' && !(role === 'group' && links.length)) return true;
    if (links.some(link => !(link.getAttribute('aria-label') || '').trim())) return true;
    const ids = (svg.getAttribute('aria-labelledby') || '').split(/\\s+/).filter(Boolean);
    const named = ids.map(id => document.getElementById(id)?.textContent || '').join(' ');
    return !(svg.getAttribute('aria-label') || named).trim();
  })
  .map(svg => svg.outerHTML.slice(0, 120))"""


def charts_without_text_alternative(page) -> list[str]:
    return page.evaluate(CHARTS_WITHOUT_TEXT)


# Every field marked invalid names its message with aria-describedby (on itself or, for a group
# of radio buttons or checkboxes, on its fieldset), and every message is named by a field.
ERROR_WIRING = """() => {
  const problems = [];
  const described = new Set();
  for (const field of document.querySelectorAll('[aria-invalid="true"]')) {
    const holder = field.hasAttribute('aria-describedby')
      ? field : field.closest('fieldset[aria-describedby]');
    const ids = (holder?.getAttribute('aria-describedby') || '').split(/\\s+/).filter(Boolean);
    ids.forEach(id => described.add(id));
    const messages = ids.map(id => document.getElementById(id))
      .filter(el => el && el.classList.contains('errorlist') && el.textContent.trim());
    if (!messages.length) problems.push(`#${field.id} is invalid but names no error message`);
  }
  for (const list of document.querySelectorAll('main ul.errorlist[id]')) {
    if (!described.has(list.id)) problems.push(`error message #${list.id} belongs to no field`);
  }
  return problems;
}"""

ERROR_SUMMARY = """() => {
  const summary = document.querySelector('.error-summary');
  if (!summary) return null;
  return {
    role: summary.getAttribute('role'),
    focused: document.activeElement === summary,
    text: summary.innerText,
    links: [...summary.querySelectorAll('a[href^="#"]')].map(a => {
      const target = document.getElementById(a.getAttribute('href').slice(1));
      const invalid = target?.getAttribute('aria-invalid') === 'true';
      return {href: a.getAttribute('href'), invalid};
    }),
  };
}"""


def error_wiring_problems(page) -> list[str]:
    return page.evaluate(ERROR_WIRING)


def error_summary(page) -> dict | None:
    return page.evaluate(ERROR_SUMMARY)


def wait_for_focus_on_errors(page) -> None:
    """The browser moves the focus to an autofocus element when it next renders, which may be
    just after the load event; give it that moment (it fails if the focus never arrives)."""
    page.wait_for_function(
        "document.activeElement?.matches('.error-summary, .message--error')", timeout=5000
    )
