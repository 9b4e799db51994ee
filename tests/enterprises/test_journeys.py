"""Residents register, complete and submit; staff publish or reject; members keep it together."""

import os
from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
from allauth.account.models import EmailAddress
from django.apps import apps
from django.core import mail
from django.core.exceptions import PermissionDenied
from django.db.models import Model
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from enterprises import services
from enterprises.models import (
    Enterprise,
    EnterpriseStatus,
    Invitation,
    Membership,
    MembershipRole,
    Municipality,
    Theme,
)
from lsa_portal.models import AuditEntry
from tests.factories import (
    DEFAULT_PASSWORD,
    YEAR_FIGURES_FORM,
    AssetFactory,
    EnterpriseFactory,
    MembershipFactory,
    StaffFactory,
    UserFactory,
    profile_form_data,
)

pytestmark = pytest.mark.django_db


# What a member types to add an asset.
ASSET_FORM = {
    "kind": "gebouw",
    "name": "De oude bibliotheek",
    "tenure": "eigendom",
    "ground_tenure": "erfpacht",
    "size_m2": "640",
    "since_year": "2019",
}


def _directory_rows() -> dict:
    """Every row of the directory's tables (enterprises, members, invitations, assets, figures,
    their history and themes) and of the audit log: what a refused request leaves as it was."""
    config = apps.get_app_config("enterprises")
    models: list[type[Model]] = [*config.get_models(include_auto_created=True), AuditEntry]
    return {
        model._meta.label: list(model._default_manager.order_by("pk").values()) for model in models
    }


def concept_of(user, **fields):
    defaults = {"status": EnterpriseStatus.CONCEPT, "published_at": None}
    enterprise = EnterpriseFactory(**{**defaults, **fields})
    MembershipFactory(enterprise=enterprise, user=user, role=MembershipRole.OWNER)
    return enterprise


def _register(name):
    return services.register(
        by=UserFactory(),
        name=name,
        kind="bewonersbedrijf",
        municipality=Municipality.objects.get(cbs_code="GM0344"),
        neighbourhood="Zuilen",
    )


def test_a_registration_is_named_after_the_enterprise_with_a_number_when_taken():
    slugs = [_register(name).slug for name in ["De Brug", "de brug", "De Brug!"]]
    assert slugs == ["de-brug", "de-brug-2", "de-brug-3"]


def test_a_registration_never_takes_a_url_of_the_directory_as_its_slug():
    assert _register("Aanmelden").slug == "aanmelden-wijkonderneming"
    assert _register("???").slug == "wijkonderneming"


def test_registering_needs_an_account(client):
    response = client.get(reverse("enterprises:register"))
    assert response.status_code == 302
    assert reverse("account_login") in response["Location"]


def test_a_resident_registers_a_concept_and_becomes_its_owner(client):
    user = UserFactory()
    client.force_login(user)
    utrecht = Municipality.objects.get(cbs_code="GM0344")
    response = client.post(
        reverse("enterprises:register"),
        {
            "name": "Buurtbedrijf De Nieuwe Brug",
            "kind": "bewonersbedrijf",
            "municipality": utrecht.pk,
            "neighbourhood": "Zuilen",
        },
    )
    enterprise = Enterprise.objects.get(name="Buurtbedrijf De Nieuwe Brug")
    assert response.status_code == 302
    assert response["Location"] == reverse("enterprises:edit", kwargs={"slug": enterprise.slug})
    assert enterprise.status == EnterpriseStatus.CONCEPT
    assert Membership.objects.get(enterprise=enterprise).user == user
    assert enterprise.history.first().history_user == user


def test_registration_with_errors_keeps_what_was_typed(client):
    client.force_login(UserFactory())
    before = _directory_rows()
    response = client.post(
        reverse("enterprises:register"), {"name": "Mijn initiatief", "kind": "??"}
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert 'value="Mijn initiatief"' in html
    assert "Dit veld is verplicht." in html
    assert not Enterprise.objects.exists()
    assert _directory_rows() == before


def test_a_concept_is_invisible_to_visitors_and_other_residents(client):
    owner = UserFactory()
    enterprise = concept_of(owner)
    url = enterprise.get_absolute_url()
    before = _directory_rows()
    assert client.get(url).status_code == 404
    client.force_login(UserFactory())
    assert client.get(url).status_code == 404
    assert _directory_rows() == before
    client.force_login(owner)
    assert client.get(url).status_code == 200
    client.force_login(StaffFactory())
    assert client.get(url).status_code == 200


@pytest.mark.parametrize(
    ("name", "method"),
    [
        ("edit", "get"),
        ("edit", "post"),
        ("assets", "get"),
        ("asset_add", "post"),
        ("figures", "get"),
        ("figures_add", "post"),
        ("members", "get"),
        ("members", "post"),
        ("submit", "post"),
    ],
)
def test_a_non_member_can_neither_see_nor_change_anything(
    client, name, method, django_capture_on_commit_callbacks
):
    enterprise = EnterpriseFactory()  # published, but not theirs
    client.force_login(UserFactory())
    before = _directory_rows()
    url = reverse(f"enterprises:{name}", kwargs={"slug": enterprise.slug})
    # What a member would send to change each page: refused, it must change nothing.
    data = {
        "edit": profile_form_data(enterprise, name="Overgenomen"),
        "asset_add": ASSET_FORM,
        "figures_add": YEAR_FIGURES_FORM,
        "members": {"email": "x@example.org", "role": "eigenaar"},
    }.get(name, {})
    with django_capture_on_commit_callbacks(execute=True) as after_commit:
        response = getattr(client, method)(url, data)
    assert response.status_code == 404
    enterprise.refresh_from_db()
    assert enterprise.name != "Overgenomen"
    assert _directory_rows() == before
    assert (after_commit, mail.outbox) == ([], [])  # no mail, no task


def test_editing_the_profile_is_saved_and_attributed(client):
    owner = UserFactory()
    enterprise = concept_of(owner)
    client.force_login(owner)
    energy = Theme.objects.get(slug="energie")
    response = client.post(
        reverse("enterprises:edit", kwargs={"slug": enterprise.slug}),
        {
            "name": enterprise.name,
            "kind": "wijkonderneming",
            "legal_form": "cooperatie",
            "kvk_number": "12345678",
            "founded_year": "2012",
            "municipality": enterprise.municipality.pk,
            "neighbourhood": "Proefwijk",
            "postcode": "3512ab",
            "pitch": "We wekken samen stroom op.",
            "mission": "Energie van de wijk.",
            "themes": [energy.pk],
        },
    )
    assert response.status_code == 302
    enterprise.refresh_from_db()
    assert enterprise.postcode == "3512 AB"
    assert enterprise.legal_form == "cooperatie"
    assert enterprise.history.first().history_user == owner


def test_submitting_an_incomplete_concept_says_what_is_missing(client):
    owner = UserFactory()
    enterprise = concept_of(owner, pitch="", mission="")
    client.force_login(owner)
    before = _directory_rows()
    response = client.post(
        reverse("enterprises:submit", kwargs={"slug": enterprise.slug}), follow=True
    )
    enterprise.refresh_from_db()
    assert enterprise.status == EnterpriseStatus.CONCEPT
    assert "Nog niet ingevuld" in response.content.decode()
    assert _directory_rows() == before


def test_submit_publish_and_the_members_are_told(client, django_capture_on_commit_callbacks):
    owner = UserFactory()
    enterprise = concept_of(owner)
    client.force_login(owner)
    client.post(reverse("enterprises:submit", kwargs={"slug": enterprise.slug}))
    enterprise.refresh_from_db()
    assert enterprise.status == EnterpriseStatus.SUBMITTED

    staff = StaffFactory()
    client.force_login(staff)
    queue = client.get(reverse("enterprises:review_queue")).content.decode()
    assert enterprise.name in queue
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("enterprises:review", kwargs={"slug": enterprise.slug}), {"decision": "publish"}
        )
    assert response.status_code == 302
    enterprise.refresh_from_db()
    assert enterprise.status == EnterpriseStatus.PUBLISHED
    assert enterprise.history.first().history_user == staff
    assert [m.to for m in mail.outbox] == [[owner.email]]
    assert "gepubliceerd" in mail.outbox[0].subject
    assert enterprise.get_absolute_url() in mail.outbox[0].body


def test_rejecting_needs_a_reason_which_the_members_receive(
    client, django_capture_on_commit_callbacks
):
    owner = UserFactory()
    enterprise = concept_of(owner, status=EnterpriseStatus.SUBMITTED)
    client.force_login(StaffFactory())
    url = reverse("enterprises:review", kwargs={"slug": enterprise.slug})
    before = _directory_rows()
    with django_capture_on_commit_callbacks(execute=True) as after_commit:
        response = client.post(url, {"decision": "reject", "reason": "  "})
    assert response.status_code == 200
    assert "reden" in response.content.decode()
    enterprise.refresh_from_db()
    assert (enterprise.status, enterprise.rejection_reason) == (EnterpriseStatus.SUBMITTED, "")
    assert _directory_rows() == before
    assert (after_commit, mail.outbox) == ([], [])
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url, {"decision": "reject", "reason": "Vul de missie aan met wat jullie doen."})
    enterprise.refresh_from_db()
    assert enterprise.status == EnterpriseStatus.REJECTED
    assert "Vul de missie aan" in mail.outbox[0].body
    # a rejected registration can be corrected and submitted again
    services.submit(enterprise, by=owner)
    enterprise.refresh_from_db()
    assert enterprise.status == EnterpriseStatus.SUBMITTED
    assert enterprise.rejection_reason == ""


def test_review_pages_are_not_for_residents(client, django_capture_on_commit_callbacks):
    enterprise = EnterpriseFactory(status=EnterpriseStatus.SUBMITTED)
    client.force_login(UserFactory())
    before = _directory_rows()
    assert client.get(reverse("enterprises:review_queue")).status_code == 404
    url = reverse("enterprises:review", kwargs={"slug": enterprise.slug})
    with django_capture_on_commit_callbacks(execute=True) as after_commit:
        assert client.post(url, {"decision": "publish"}).status_code == 404
        assert client.post(url, {"decision": "reject", "reason": "Niet goed."}).status_code == 404
    enterprise.refresh_from_db()
    assert enterprise.status == EnterpriseStatus.SUBMITTED
    assert _directory_rows() == before
    assert (after_commit, mail.outbox) == ([], [])


def test_an_owner_invites_a_co_member_who_accepts_with_the_link(
    client, django_capture_on_commit_callbacks
):
    owner = UserFactory()
    enterprise = concept_of(owner)
    client.force_login(owner)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("enterprises:members", kwargs={"slug": enterprise.slug}),
            {"email": "Buurvrouw@Example.org", "role": "redacteur"},
        )
    invitation = Invitation.objects.get()
    assert invitation.email == "buurvrouw@example.org"
    assert mail.outbox[0].to == ["buurvrouw@example.org"]
    link = reverse("enterprises:invitation", kwargs={"token": invitation.token})
    assert link in mail.outbox[0].body

    someone_else = UserFactory(email="iemand.anders@example.org")
    client.force_login(someone_else)
    page = client.get(link).content.decode()
    assert "verstuurd naar b…@example.org" in page  # a link forwarded by mistake
    assert "buurvrouw@example.org" not in page  # the whole address is not for whoever holds it
    assert "ingelogd als iemand.anders@example.org" in page
    assert "Uitnodiging accepteren" not in page
    before = _directory_rows()
    assert client.post(link).status_code == 403
    assert not Membership.objects.filter(enterprise=enterprise, user=someone_else).exists()
    invitation.refresh_from_db()
    assert (invitation.accepted_at, invitation.accepted_by) == (None, None)
    assert _directory_rows() == before

    neighbour = UserFactory(email="buurvrouw@example.org")
    client.force_login(neighbour)
    page = client.get(link)
    assert page.status_code == 200
    assert "verstuurd naar" not in page.content.decode()
    assert "Uitnodiging accepteren" in page.content.decode()
    client.post(link)
    assert (
        Membership.objects.get(enterprise=enterprise, user=neighbour).role == MembershipRole.EDITOR
    )
    assert client.get(link).status_code == 410  # used once


def _invitation_to(address: str, **owner_fields):
    owner: User = UserFactory.create(**owner_fields)
    enterprise = concept_of(owner, name="Buurtbedrijf De Linde")
    invitation = services.invite_member(enterprise, by=owner, email=address, role="redacteur")
    return enterprise, reverse("enterprises:invitation", kwargs={"token": invitation.token})


def test_someone_else_holding_the_link_is_sent_to_log_in_with_the_invited_account(client):
    enterprise, link = _invitation_to(
        "Linde.Lid@example.org", first_name="Fatima", last_name="Bakker"
    )
    invited = UserFactory(email="linde.lid@example.org")
    other = UserFactory(email="ander.account@example.org")
    client.post(reverse("account_login"), {"login": other.email, "password": DEFAULT_PASSWORD})

    page = client.get(link)
    html = page.content.decode()
    assert page.status_code == 200
    assert "Deze uitnodiging is voor een ander account" in html
    assert "verstuurd naar l…@example.org" in html
    assert "Fatima Bakker of een andere eigenaar van Buurtbedrijf De Linde" in html
    assert "een nieuwe uitnodiging te sturen, naar ander.account@example.org" in html
    # The page's own button: log out, then the log-in page, which brings the person back here.
    login_url = reverse("account_login") + "?next=" + link.replace("/", "%2F")
    assert f'name="next" value="{login_url}"' in html
    response = client.post(reverse("account_logout"), {"next": login_url})
    assert response.status_code == 302 and response["Location"] == login_url
    assert "_auth_user_id" not in client.session

    response = client.post(login_url, {"login": invited.email, "password": DEFAULT_PASSWORD})
    assert response["Location"] == link
    assert "Uitnodiging accepteren" in client.get(link).content.decode()
    response = client.post(link)
    assert response.status_code == 302
    assert Membership.objects.get(enterprise=enterprise, user=invited).role == "redacteur"
    assert not Membership.objects.filter(enterprise=enterprise, user=other).exists()


def test_an_account_accepts_with_any_of_its_confirmed_addresses_never_an_unconfirmed_one(client):
    enterprise, link = _invitation_to("werk@example.org")
    person = UserFactory(email="thuis@example.org")
    second = EmailAddress.objects.create(user=person, email="Werk@Example.org", verified=False)
    client.force_login(person)

    page = client.get(link).content.decode()
    assert "nog niet bevestigd" in page
    assert f'href="{reverse("account_email")}"' in page
    assert "Uitnodiging accepteren" not in page
    before = _directory_rows()
    assert client.post(link).status_code == 403
    assert not Membership.objects.filter(enterprise=enterprise, user=person).exists()
    assert _directory_rows() == before

    second.verified = True
    second.save()
    assert client.post(link).status_code == 302
    assert Membership.objects.filter(enterprise=enterprise, user=person).exists()


def test_the_service_refuses_an_account_without_the_invited_address_whatever_the_view_does():
    enterprise, link = _invitation_to("uitgenodigd@example.org")
    invitation = Invitation.objects.get(enterprise=enterprise)
    finder = UserFactory(email="vinder@example.org")
    unconfirmed = UserFactory(email="uitgenodigd@example.org", verified=False)
    before = _directory_rows()
    with pytest.raises(services.InvitationForSomeoneElse):
        services.accept_invitation(invitation, by=finder)
    with pytest.raises(services.InvitationForSomeoneElse):  # the address, never confirmed
        services.accept_invitation(invitation, by=unconfirmed)
    invitation.refresh_from_db()
    assert invitation.accepted_at is None
    assert not Membership.objects.filter(enterprise=enterprise).exclude(role="eigenaar").exists()
    assert _directory_rows() == before


def test_an_anonymous_visitor_is_asked_to_log_in_and_comes_back(client):
    _enterprise, link = _invitation_to("nieuw.lid@example.org")
    response = client.get(link)
    assert response.status_code == 302
    location = urlsplit(response["Location"])
    assert location.path == reverse("account_login")
    assert parse_qs(location.query) == {"next": [link]}


def test_an_invitation_whose_sender_left_the_portal_still_reads_well(client):
    owner = UserFactory(first_name="Fatima", last_name="Bakker")
    enterprise = concept_of(owner)
    invitation = services.invite_member(
        enterprise, by=owner, email="later@example.org", role="redacteur"
    )
    link = reverse("enterprises:invitation", kwargs={"token": invitation.token})
    client.force_login(UserFactory(email="later@example.org"))
    assert "Fatima Bakker nodigt je uit" in client.get(link).content.decode()
    Invitation.objects.filter(pk=invitation.pk).update(invited_by=None)  # the account went
    page = client.get(link).content.decode()
    assert "Je bent uitgenodigd om" in page and "als redacteur" in page


def test_an_invitation_to_an_archived_enterprise_is_refused(client):
    owner = UserFactory()
    enterprise = concept_of(owner)
    invitation = services.invite_member(
        enterprise, by=owner, email="later@example.org", role="redacteur"
    )
    services.archive(enterprise, by=owner)
    link = reverse("enterprises:invitation", kwargs={"token": invitation.token})
    client.force_login(UserFactory(email="later@example.org"))
    before = _directory_rows()
    response = client.get(link)
    assert response.status_code == 410
    assert "werkt niet meer" in response.content.decode()
    assert client.post(link).status_code == 410
    assert not Membership.objects.filter(enterprise=enterprise, user__email="later@example.org")
    assert _directory_rows() == before


def test_an_expired_invitation_is_refused_with_a_clear_page(client):
    owner = UserFactory()
    enterprise = concept_of(owner)
    invitation = services.invite_member(
        enterprise, by=owner, email="laat@example.org", role="redacteur"
    )
    Invitation.objects.filter(pk=invitation.pk).update(
        expires_at=timezone.now() - timedelta(minutes=1)
    )
    client.force_login(UserFactory(email="laat@example.org"))
    before = _directory_rows()
    link = reverse("enterprises:invitation", kwargs={"token": invitation.token})
    response = client.get(link)
    assert response.status_code == 410
    assert "werkt niet meer" in response.content.decode()
    assert client.post(link).status_code == 410  # not even by the invited address
    assert (
        client.get(reverse("enterprises:invitation", kwargs={"token": "verzonnen"})).status_code
        == 404
    )
    assert not Membership.objects.filter(enterprise=enterprise, user__email="laat@example.org")
    assert _directory_rows() == before


def test_nobody_manages_the_members_of_an_archived_enterprise_but_anyone_may_leave():
    owner, editor = UserFactory(), UserFactory()
    enterprise = concept_of(owner, status=EnterpriseStatus.ARCHIVED)
    membership = MembershipFactory(enterprise=enterprise, user=editor, role=MembershipRole.EDITOR)
    before = _directory_rows()
    with pytest.raises(PermissionDenied):
        services.change_role(membership, by=owner, role=MembershipRole.OWNER)
    with pytest.raises(PermissionDenied):
        services.remove_member(membership, by=owner)
    with pytest.raises(PermissionDenied):
        services.invite_member(enterprise, by=owner, email="laat@example.org", role="redacteur")
    membership.refresh_from_db()
    assert membership.role == MembershipRole.EDITOR
    assert _directory_rows() == before
    services.remove_member(membership, by=editor)
    assert not Membership.objects.filter(pk=membership.pk).exists()


def test_an_editor_cannot_invite_or_remove_members(client, django_capture_on_commit_callbacks):
    owner, editor = UserFactory(), UserFactory()
    enterprise = concept_of(owner)
    MembershipFactory(enterprise=enterprise, user=editor, role=MembershipRole.EDITOR)
    client.force_login(editor)
    before = _directory_rows()
    with django_capture_on_commit_callbacks(execute=True) as after_commit:
        response = client.post(
            reverse("enterprises:members", kwargs={"slug": enterprise.slug}),
            {"email": "x@example.org", "role": "eigenaar"},
        )
    assert response.status_code == 403
    assert (after_commit, mail.outbox) == ([], [])
    owner_membership = Membership.objects.get(user=owner)
    response = client.post(
        reverse(
            "enterprises:member_remove", kwargs={"slug": enterprise.slug, "pk": owner_membership.pk}
        )
    )
    assert response.status_code == 403
    assert Membership.objects.get(user=owner).role == MembershipRole.OWNER
    assert not Invitation.objects.exists()
    assert _directory_rows() == before


def test_the_last_owner_cannot_leave_but_can_after_handing_over(client):
    owner, editor = UserFactory(), UserFactory()
    enterprise = concept_of(owner)
    editor_membership = MembershipFactory(
        enterprise=enterprise, user=editor, role=MembershipRole.EDITOR
    )
    own = Membership.objects.get(user=owner)
    client.force_login(owner)
    leave = reverse("enterprises:member_remove", kwargs={"slug": enterprise.slug, "pk": own.pk})
    before = _directory_rows()
    response = client.post(leave, follow=True)
    assert "laatste eigenaar" in response.content.decode()
    assert Membership.objects.get(pk=own.pk).role == MembershipRole.OWNER
    assert _directory_rows() == before

    client.post(
        reverse(
            "enterprises:member_role", kwargs={"slug": enterprise.slug, "pk": editor_membership.pk}
        ),
        {"role": "eigenaar"},
    )
    client.post(leave)
    assert not Membership.objects.filter(pk=own.pk).exists()
    assert Membership.objects.get(user=editor).role == MembershipRole.OWNER


def test_members_keep_assets_and_yearly_figures(client):
    owner = UserFactory()
    enterprise = concept_of(owner)
    client.force_login(owner)
    client.post(reverse("enterprises:asset_add", kwargs={"slug": enterprise.slug}), ASSET_FORM)
    asset = enterprise.assets.get()
    assert asset.name == "De oude bibliotheek"
    assert (asset.tenure, asset.ground_tenure) == ("eigendom", "erfpacht")
    client.post(
        reverse("enterprises:figures_add", kwargs={"slug": enterprise.slug}), YEAR_FIGURES_FORM
    )
    figures = enterprise.year_figures.get()
    assert (figures.year, figures.income_sales, figures.expenses) == (2024, 40000, 95000)
    assert figures.history.first().history_user == owner
    client.post(
        reverse("enterprises:asset_delete", kwargs={"slug": enterprise.slug, "pk": asset.pk})
    )
    assert not enterprise.assets.exists()


def test_another_enterprises_asset_cannot_be_reached_through_my_enterprise(client):
    owner = UserFactory()
    mine = concept_of(owner)
    theirs = AssetFactory()
    client.force_login(owner)
    before = _directory_rows()
    url = reverse("enterprises:asset_edit", kwargs={"slug": mine.slug, "pk": theirs.pk})
    assert client.get(url).status_code == 404
    assert client.post(url, {**ASSET_FORM, "name": "Overgenomen"}).status_code == 404
    delete = reverse("enterprises:asset_delete", kwargs={"slug": mine.slug, "pk": theirs.pk})
    assert client.post(delete).status_code == 404
    theirs.refresh_from_db()  # still there
    assert theirs.name == "Het oude schoolgebouw"
    assert not mine.assets.exists()
    assert _directory_rows() == before


def test_my_initiatives_show_status_and_what_is_missing(client):
    owner = UserFactory()
    concept_of(owner, name="Initiatief Zonder Missie", mission="")
    client.force_login(owner)
    html = client.get(reverse("enterprises:mine")).content.decode()
    assert "Initiatief Zonder Missie" in html
    assert "Concept" in html
    assert "de missie" in html


def _png(width: int, height: int, noise: bool = False) -> bytes:
    from io import BytesIO

    from PIL import Image

    pixels = os.urandom(width * height * 3) if noise else bytes(width * height * 3)
    buffer = BytesIO()
    Image.frombytes("RGB", (width, height), pixels).save(buffer, "PNG")
    return buffer.getvalue()


def test_a_logo_must_be_a_real_image_of_at_most_2_mb(client):
    from django.core.files.uploadedfile import SimpleUploadedFile

    owner = UserFactory()
    enterprise = concept_of(owner)
    client.force_login(owner)
    url = reverse("enterprises:edit", kwargs={"slug": enterprise.slug})
    before = _directory_rows()
    fake = SimpleUploadedFile("logo.png", b"<script>alert(1)</script>", content_type="image/png")
    response = client.post(url, profile_form_data(enterprise, logo=fake))
    assert response.status_code == 200
    assert "opmaakbestanden nemen we niet aan" in response.content.decode()
    enterprise.refresh_from_db()
    assert not enterprise.logo

    huge = SimpleUploadedFile("groot.png", _png(1000, 1000, noise=True), content_type="image/png")
    response = client.post(url, profile_form_data(enterprise, logo=huge))
    assert response.status_code == 200
    assert "te groot" in response.content.decode()
    assert _directory_rows() == before
    good = SimpleUploadedFile("logo.png", _png(64, 64), content_type="image/png")
    assert client.post(url, profile_form_data(enterprise, logo=good)).status_code == 302
    enterprise.refresh_from_db()
    assert enterprise.logo.name.startswith("enterprises/logos/")
