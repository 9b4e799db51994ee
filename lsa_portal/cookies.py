"""The cookies the portal sets: all functional, so no consent banner is needed.

Read from the settings that name them, so the cookie page cannot drift from what Django sets;
a test walks through the portal and checks that no other cookie appears.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.contrib.messages.storage.cookie import CookieStorage
from django.utils.translation import gettext as _
from django.utils.translation import ngettext


@dataclass(frozen=True)
class Cookie:
    name: str
    purpose: str
    lifetime: str


def _days(seconds: int) -> str:
    days = seconds // (24 * 60 * 60)
    return ngettext("%(count)d day", "%(count)d days", days) % {"count": days}


def functional_cookies() -> list[Cookie]:
    """Every cookie the portal may set, with what it is for and how long it lives."""
    language_lifetime = (
        _days(settings.LANGUAGE_COOKIE_AGE)
        if settings.LANGUAGE_COOKIE_AGE
        else _("until you close the browser")
    )
    return [
        Cookie(
            settings.SESSION_COOKIE_NAME,
            _("Keeps you logged in from page to page, and the pages you are filling in."),
            _("until you close the browser, or %(days)s when you ask to stay logged in")
            % {"days": _days(settings.SESSION_COOKIE_AGE)},
        ),
        Cookie(
            settings.CSRF_COOKIE_NAME,
            _(
                "Protects the forms: a form sent from another website without this value is "
                "refused."
            ),
            _days(settings.CSRF_COOKIE_AGE),
        ),
        Cookie(
            settings.LANGUAGE_COOKIE_NAME,
            _("Remembers the language you chose (Dutch or English)."),
            language_lifetime,
        ),
        Cookie(
            CookieStorage.cookie_name,
            _("Carries a short message (such as 'saved') to the next page you see."),
            _("until the next page"),
        ),
    ]
