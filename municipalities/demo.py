"""Demo: link the demo officer to the municipality with the most published demo enterprises,
and let two of its enterprises share a (fictional) contact person. Running it again changes
nothing."""

from django.db.models import Count, Q
from django.utils import timezone

from accounts.models import User
from enterprises.models import EnterpriseStatus, Municipality

from .models import LinkStatus, OfficerLink

DEMO_OFFICER = "ambtenaar@example.org"
DEMO_CONTACTS = [("Noor Bakker", "noor@buurtbedrijf.example.org"), ("Joris Smit", None)]


def seed(log) -> None:
    officer = User.objects.filter(email=DEMO_OFFICER).first()
    municipality = (
        Municipality.objects.annotate(
            n=Count("enterprises", filter=Q(enterprises__status=EnterpriseStatus.PUBLISHED))
        )
        .filter(n__gte=3)
        .order_by("-n", "name")
        .first()
    )
    if officer is None or municipality is None:
        return
    _link, created = OfficerLink.objects.get_or_create(
        user=officer,
        municipality=municipality,
        defaults={
            "status": LinkStatus.APPROVED,
            "job_title": "Beleidsadviseur wijkeconomie",
            "decided_at": timezone.now(),
        },
    )
    if created:
        log(f"Demo officer linked to {municipality.name}")
    enterprises = municipality.enterprises.filter(status=EnterpriseStatus.PUBLISHED).order_by(
        "name"
    )
    for enterprise, (name, email) in zip(enterprises, DEMO_CONTACTS, strict=False):
        if enterprise.contact_name:
            continue
        enterprise.contact_name = name
        enterprise.contact_email = email or f"contact@{enterprise.slug[:40]}.example.org"
        # The first agrees to be contacted by its municipality, the second does not.
        enterprise.municipality_may_contact = email is not None
        enterprise.save(update_fields=["contact_name", "contact_email", "municipality_may_contact"])
