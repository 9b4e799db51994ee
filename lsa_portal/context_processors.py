"""Template context that every page may use."""

from .mail import development_mail_folder


def portal(request) -> dict:
    return {
        # On a development machine mails land in a folder: say which, where a mail is expected.
        "mail_folder": development_mail_folder(),
    }
