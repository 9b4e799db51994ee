"""Who may see and do what in the knowledge base: the one place with these rules.

Published items whose moment has come are public. Drafts exist for staff only: for everyone
else their pages answer 404, so that nobody learns that they exist. Downloads of reports never
serve a draft; a draft case description's PDF is for staff.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from accounts.roles import is_lsa_staff

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from accounts.models import User


def can_see_drafts(user: User | AnonymousUser) -> bool:
    """Preview draft reports, articles, questions and case descriptions (and their PDFs)."""
    return is_lsa_staff(user)


def can_make_pdfs(user: User | AnonymousUser) -> bool:
    """Ask for a case description's PDF, follow its job, make the PDFs of a whole cohort."""
    return is_lsa_staff(user)


def can_export(user: User | AnonymousUser) -> bool:
    """Report requests and newsletter subscribers as CSV: personal data, for staff only."""
    return is_lsa_staff(user)
