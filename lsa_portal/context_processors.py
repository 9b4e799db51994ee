"""Template context that every page may use."""

from django.conf import settings


def portal(request) -> dict:
    return {
        # On a development machine mails land in a folder: say so where a mail is expected.
        "mail_to_files": settings.EMAIL_BACKEND.endswith("filebased.EmailBackend"),
    }
