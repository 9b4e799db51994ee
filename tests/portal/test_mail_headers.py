"""What residents type ends up in mail subjects: it can never add a header."""

from types import SimpleNamespace

import pytest
from django.core import mail

from lsa_portal.mail import send_templated


@pytest.mark.parametrize(
    "name",
    ["Buurt\r\nBcc: kwaad@example.org", "Buurt\nBedrijf", "Buurt\u2028Bedrijf", "Buurt\x0bBedrijf"],
)
def test_a_name_with_line_breaks_stays_on_one_subject_line(name):
    context = {"enterprise": SimpleNamespace(name=name), "url": "https://example.org/"}
    send_templated("enterprises/mail/published", ["lid@example.org"], context)
    message = mail.outbox[-1]
    assert message.subject.startswith("Buurt ")
    assert "\n" not in message.subject and "\r" not in message.subject
    assert message.recipients() == ["lid@example.org"]
    assert "Bcc" not in str(message.message()["Bcc"] or "")
