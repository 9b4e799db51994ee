"""Mails of the portal: a subject and a body template, always rendered in Dutch. Knows no app."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from django.conf import settings
from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext


def absolute_url(path: str) -> str:
    """A link for a mail, which is read outside the portal (PORTAL_BASE_URL + path)."""
    return f"{settings.PORTAL_BASE_URL}{path}"


@dataclass(frozen=True)
class PortalSite:
    """The portal as mails name it: what Django's ``Site`` and ``RequestSite`` offer templates."""

    name: str
    domain: str

    def __str__(self) -> str:
        return self.domain


def portal_site() -> PortalSite:
    """The portal's name (in the active language) and the host of ``PORTAL_BASE_URL``.

    Without the sites framework, allauth would name the host the request came in on: the
    address of the proxy or of a development server, not the portal's.
    """
    return PortalSite(
        name=gettext("Neighbourhood enterprises"),
        domain=urlsplit(settings.PORTAL_BASE_URL).netloc,
    )


def development_mail_folder() -> str | None:
    """Where mails are written on a development machine (the file backend), for pages that
    expect a mail to say where to look; None in production and with any other backend."""
    if settings.PRODUCTION or not settings.EMAIL_BACKEND.endswith("filebased.EmailBackend"):
        return None
    if not getattr(settings, "EMAIL_FILE_PATH", None):
        return None
    folder = Path(settings.EMAIL_FILE_PATH).resolve()
    if folder.is_relative_to(settings.BASE_DIR):
        return f"{folder.relative_to(settings.BASE_DIR)}/"
    return f"{folder}/"


def send_templated(
    template: str, recipients: list[str], context: dict, headers: dict | None = None
) -> None:
    """Render ``<template>_subject.txt`` and ``<template>_body.txt`` in Dutch and send them."""
    if not recipients:
        return
    with translation.override(settings.LANGUAGE_CODE):
        # One line: a name typed with a line break (or other line separators) would otherwise
        # make the mail library refuse the subject as a header injection.
        subject = " ".join(render_to_string(f"{template}_subject.txt", context).split())
        body = render_to_string(f"{template}_body.txt", context)
    EmailMessage(subject, body, None, recipients, headers=headers or {}).send()
