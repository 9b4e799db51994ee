"""Mails of the portal: a subject and a body template, always rendered in Dutch. Knows no app."""

from __future__ import annotations

from django.conf import settings
from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.utils import translation


def absolute_url(path: str) -> str:
    """A link for a mail, which is read outside the portal (PORTAL_BASE_URL + path)."""
    return f"{settings.PORTAL_BASE_URL}{path}"


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
