"""Every public function of an app's ``services.py`` takes its actor as ``by`` and leaves an
audit entry by that actor when it changes the database, or is on a list below with the reason.

A new public service function that is in none of the tables fails ``test_every_public_service_
function_is_accounted_for``: whoever adds it decides which table it belongs in.
"""

from __future__ import annotations

import importlib
import inspect
import re
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from enterprises.models import MembershipRole
from knowledge import services as knowledge_services
from lsa_portal.models import AuditEntry
from pioneers import selectors as pioneer_selectors
from pioneers import services as pioneer_services
from pioneers.models import Area, MilestoneStatus, SupportStatus
from tests.factories import (
    DEFAULT_PASSWORD,
    ApplicationFactory,
    AssetFactory,
    EnterpriseFactory,
    ExpertFactory,
    FollowerFactory,
    ImportBatchFactory,
    InvitationFactory,
    LessonFactory,
    LogEntryFactory,
    MembershipFactory,
    MilestoneFactory,
    MunicipalityFactory,
    MunicipalOfficerFactory,
    OfficerLinkFactory,
    PioneerFactory,
    ReportFactory,
    ReportRequestFactory,
    RoundInvitationFactory,
    StaffFactory,
    SubscriberFactory,
    UserFactory,
    YearFiguresFactory,
)

APPS = ["accounts", "enterprises", "pioneers", "knowledge", "municipalities", "monitor"]

# Writes to these tables are bookkeeping, not the change an entry is about.
NOT_A_CHANGE = re.compile(
    r"lsa_portal_auditentry|django_session|historical|cache|django_content_type", re.I
)
WRITE = re.compile(r'^\s*(INSERT\s+INTO|UPDATE|DELETE\s+FROM)\s+"?(\w+)"?', re.I)


def _member(**enterprise):
    membership = MembershipFactory(enterprise=EnterpriseFactory(**enterprise))
    return membership.user, membership.enterprise


# enterprises


def _register_enterprise():
    from enterprises import services

    user = UserFactory()
    return user, lambda: services.register(
        by=user,
        name="Buurtbedrijf De Linde",
        kind="wijkonderneming",
        municipality=MunicipalityFactory(),
        neighbourhood="Zuilen",
    )


def _accept_invitation():
    from enterprises import services

    invitation = InvitationFactory()
    user = UserFactory(email=invitation.email)
    return user, lambda: services.accept_invitation(invitation, by=user)


def _update_profile():
    from enterprises import services

    user, enterprise = _member()
    return user, lambda: services.update_profile(
        enterprise, by=user, changes={"pitch": "Buren koken samen in het wijkrestaurant."}
    )


def _save_asset():
    from enterprises import services

    user, enterprise = _member()
    asset = AssetFactory.build(enterprise=enterprise)
    return user, lambda: services.save_asset(asset, by=user)


def _save_year_figures():
    from enterprises import services

    user, enterprise = _member()
    figures = YearFiguresFactory.build(enterprise=enterprise)
    return user, lambda: services.save_year_figures(figures, by=user)


def _mark_figures_checked():
    from enterprises import services

    staff = StaffFactory()
    figures = YearFiguresFactory(flags=["income_sales"])
    return staff, lambda: services.mark_figures_checked(figures, by=staff)


def _apply_import():
    from enterprises import services

    staff = StaffFactory()
    batch = ImportBatchFactory(uploaded_by=staff)
    return staff, lambda: services.apply_import(batch, by=staff)


def _discard_import():
    from enterprises import services

    staff = StaffFactory()
    batch = ImportBatchFactory(uploaded_by=staff)
    return staff, lambda: services.discard_import(batch, by=staff)


# end of enterprises


def _start_application():
    user, enterprise = _member()
    return user, lambda: pioneer_services.start_application(
        by=user, enterprise=enterprise, cohort=ApplicationFactory().cohort
    )


def _save_application():
    user, enterprise = _member()
    application = ApplicationFactory(enterprise=enterprise)
    return user, lambda: pioneer_services.save_application(
        application, by=user, answers={"answer_ambition": "Het badhuis kopen."}, needs={}
    )


def _submit_application():
    user, enterprise = _member()
    application = ApplicationFactory(enterprise=enterprise)
    return user, lambda: pioneer_services.submit_application(application, by=user)


def _score_application():
    staff = StaffFactory()
    application = ApplicationFactory(status="ingediend", submitted_at=timezone.now())
    return staff, lambda: pioneer_services.score_application(
        application, by=staff, scores={"ambitie": (4, "Goed")}
    )


def _add_lesson():
    staff = StaffFactory()
    pioneer = PioneerFactory()
    return staff, lambda: pioneer_services.add_lesson(pioneer, by=staff, title="Les", text="Tekst")


def _publish_lesson():
    staff = StaffFactory()
    lesson = LessonFactory()
    return staff, lambda: pioneer_services.publish_lesson(lesson, by=staff)


def _record_admin_change():
    staff = StaffFactory()
    entry = LogEntryFactory()
    return staff, lambda: pioneer_services.record_admin_change(entry, by=staff, change="changed")


def _subscribe():
    visitor = UserFactory()
    return visitor, lambda: knowledge_services.subscribe("nieuw@example.org", by=visitor)


def _confirm_subscription():
    visitor = UserFactory()
    token = knowledge_services.confirm_token(SubscriberFactory(confirmed_at=None))
    return visitor, lambda: knowledge_services.confirm_subscription(token, by=visitor)


def _unsubscribe():
    visitor = UserFactory()
    token = knowledge_services.unsubscribe_token(SubscriberFactory())
    return visitor, lambda: knowledge_services.unsubscribe(token, by=visitor)


def _publish_knowledge():
    staff = StaffFactory()
    report = ReportFactory(status="concept", published_at=None)
    return staff, lambda: knowledge_services.publish(report, by=staff)


def _submit_enterprise():
    from enterprises import services

    user, enterprise = _member(status="concept")
    return user, lambda: services.submit(enterprise, by=user)


def _archive_enterprise():
    from enterprises import services

    staff = StaffFactory()
    enterprise = EnterpriseFactory()
    return staff, lambda: services.archive(enterprise, by=staff)


def _delete_asset():
    from enterprises import services

    user, enterprise = _member()
    asset = AssetFactory(enterprise=enterprise)
    return user, lambda: services.delete_asset(asset, by=user)


def _change_role():
    from enterprises import services

    user, enterprise = _member()
    other = MembershipFactory(enterprise=enterprise, role=MembershipRole.OWNER)
    return user, lambda: services.change_role(other, by=user, role=MembershipRole.EDITOR)


def _follow_by_email():
    from municipalities import services

    visitor = UserFactory()
    municipality = MunicipalityFactory()
    return visitor, lambda: services.follow_by_email("buur@example.org", municipality, by=visitor)


def _unfollow():
    from municipalities import services

    visitor = UserFactory()
    token = services.FOLLOWERS.unsubscribe_token(FollowerFactory())
    return visitor, lambda: services.unfollow(token, by=visitor)


def _deactivate_account():
    from accounts import services

    staff = StaffFactory()
    user = UserFactory()
    return staff, lambda: services.deactivate_account(user, by=staff)


def _publish_enterprise():
    from enterprises import services

    staff = StaffFactory()
    enterprise = EnterpriseFactory(status="ingediend")
    return staff, lambda: services.publish(enterprise, by=staff)


def _reject_enterprise():
    from enterprises import services

    staff = StaffFactory()
    enterprise = EnterpriseFactory(status="ingediend")
    return staff, lambda: services.reject(enterprise, by=staff, reason="De missie ontbreekt.")


def _invite_member():
    from enterprises import services

    user, enterprise = _member()
    return user, lambda: services.invite_member(
        enterprise, by=user, email="nieuw@example.org", role=MembershipRole.EDITOR
    )


def _withdraw_invitation():
    from enterprises import services

    user, enterprise = _member()
    invitation = InvitationFactory(enterprise=enterprise)
    return user, lambda: services.withdraw_invitation(invitation, by=user)


def _remove_member():
    from enterprises import services

    user, enterprise = _member()
    other = MembershipFactory(enterprise=enterprise, role=MembershipRole.EDITOR)
    return user, lambda: services.remove_member(other, by=user)


def _decide():
    staff = StaffFactory()
    application = ApplicationFactory(status="ingediend", submitted_at=timezone.now())
    return staff, lambda: pioneer_services.decide(application, by=staff, decision="afgewezen")


def _update_track():
    staff = StaffFactory()
    pioneer = PioneerFactory()
    return staff, lambda: pioneer_services.update_track(
        pioneer,
        by=staff,
        ambition="Het badhuis in eigen bezit",
        flywheel_type=pioneer.flywheel_type,
        flywheel_plan=pioneer.flywheel_plan,
        active=True,
        show_on_programme_page=True,
        show_ambition_publicly=False,
    )


def _add_log_entry():
    staff = StaffFactory()
    pioneer = PioneerFactory()
    return staff, lambda: pioneer_services.add_log_entry(
        pioneer,
        by=staff,
        kind="overleg",
        date=timezone.localdate(),
        text="Gesprek",
        visibility="gedeeld",
    )


def _add_extra_element():
    staff = StaffFactory()
    pioneer = PioneerFactory()
    return staff, lambda: pioneer_services.add_extra_element(
        pioneer, by=staff, name="Ledenbetrokkenheid", low="Passief", high="Actief"
    )


def _unpublish_lesson():
    staff = StaffFactory()
    lesson = LessonFactory()
    pioneer_services.publish_lesson(lesson, by=staff)
    return staff, lambda: pioneer_services.unpublish_lesson(lesson, by=staff)


def _unpublish_knowledge():
    staff = StaffFactory()
    report = ReportFactory()
    return staff, lambda: knowledge_services.unpublish(report, by=staff)


def _export_subscribers():
    staff = StaffFactory()
    SubscriberFactory()
    return staff, lambda: knowledge_services.export_subscribers(by=staff)


# knowledge
def _export_requests():
    staff = StaffFactory()
    ReportRequestFactory()
    return staff, lambda: knowledge_services.export_requests(by=staff)


def _mark_downloaded():
    visitor = UserFactory()
    report_request = ReportRequestFactory(downloaded_at=None)
    return visitor, lambda: knowledge_services.mark_downloaded(report_request, by=visitor)


def _decide_link():
    from municipalities import services

    staff = StaffFactory()
    link = OfficerLinkFactory(status="aangevraagd", decided_at=None)
    return staff, lambda: services.decide_link(link, by=staff, approve=True)


# accounts


def _forget_account():
    from accounts import services

    staff = StaffFactory()
    former = StaffFactory()  # left the association and asked to be forgotten
    return staff, lambda: services.forget_account(former, by=staff)


def _delete_account():
    from accounts import services

    resident = UserFactory()
    return resident, lambda: services.delete_account(by=resident, password=DEFAULT_PASSWORD)


def _export_personal_data():
    from accounts import services

    resident = UserFactory()
    return resident, lambda: services.export_personal_data(by=resident)


# pioneers


def _record_reading():
    staff = StaffFactory()
    pioneer = PioneerFactory()
    element = pioneer_selectors.elements_for(pioneer)[0]
    return staff, lambda: pioneer_services.record_reading(
        pioneer,
        by=staff,
        taken_on=timezone.localdate(),
        values=[pioneer_services.FaderInput(element=element, position=70)],
    )


def _save_milestone():
    staff = StaffFactory()
    milestone = MilestoneFactory()
    return staff, lambda: pioneer_services.save_milestone(
        milestone.pioneer,
        by=staff,
        milestone=milestone,
        title=milestone.title,
        due_date=milestone.due_date,
        status=MilestoneStatus.ACHIEVED,
        achieved_on=timezone.localdate(),
        evidence="De koopakte is getekend.",
    )


def _save_support_item():
    staff = StaffFactory()
    pioneer = PioneerFactory()
    return staff, lambda: pioneer_services.save_support_item(
        pioneer,
        by=staff,
        area=Area.objects.order_by("order").first(),
        description="Hulp bij de taxatie",
        expert=ExpertFactory(),
        hours_planned=12,
        hours_spent=0,
        status=SupportStatus.PLANNED,
    )


# municipalities


def _request_link():
    from municipalities import services

    officer = MunicipalOfficerFactory()
    municipality = MunicipalityFactory()
    return officer, lambda: services.request_link(
        municipality, by=officer, job_title="Beleidsadviseur wijkeconomie"
    )


def _confirm_follow():
    from municipalities import services

    visitor = UserFactory()
    token = services.FOLLOWERS.confirm_token(FollowerFactory())
    return visitor, lambda: services.confirm_follow(token, by=visitor)


def _follow_as_officer():
    from municipalities import services

    link = OfficerLinkFactory()
    return link.user, lambda: services.follow_as_officer(link.municipality, by=link.user)


def _record_export():
    from municipalities import services

    link = OfficerLinkFactory()
    return link.user, lambda: services.record_export(
        link.municipality, by=link.user, file_format="csv"
    )


# monitor


def _reported_year() -> int:
    """Last year, with one enterprise's figures: enough to fix its monitor."""
    year = timezone.localdate().year - 1
    YearFiguresFactory(enterprise=EnterpriseFactory(), year=year)
    return year


def _open_round():
    from monitor import services

    staff = StaffFactory()
    EnterpriseFactory()
    return staff, lambda: services.open_round(
        year=timezone.localdate().year - 1,
        deadline=timezone.localdate() + timedelta(days=30),
        reminder_days="14,3",
        by=staff,
    )


def _close_round():
    from monitor import services

    staff = StaffFactory()
    invitation = RoundInvitationFactory(round__year=_reported_year())
    return staff, lambda: services.close_round(invitation.round, by=staff)


def _export_non_respondents():
    from monitor import services

    staff = StaffFactory()
    invitation = RoundInvitationFactory()
    return staff, lambda: services.export_non_respondents(invitation.round, by=staff)


def _fix_edition():
    from monitor import services

    staff = StaffFactory()
    year = _reported_year()
    return staff, lambda: services.fix_edition(year, by=staff)


def _publish_correction():
    from monitor import services

    staff = StaffFactory()
    year = _reported_year()
    services.fix_edition(year, by=staff)
    return staff, lambda: services.publish_correction(year, by=staff, note="Een omzet verbeterd.")


# Function → a setup that builds the arguments and returns (the actor, the call).
CALLS: dict[str, Callable[[], tuple[object, Callable[[], object]]]] = {
    "pioneers.start_application": _start_application,
    "pioneers.save_application": _save_application,
    "pioneers.submit_application": _submit_application,
    "pioneers.score_application": _score_application,
    "pioneers.add_lesson": _add_lesson,
    "pioneers.publish_lesson": _publish_lesson,
    "pioneers.record_admin_change": _record_admin_change,
    "knowledge.subscribe": _subscribe,
    "knowledge.confirm_subscription": _confirm_subscription,
    "knowledge.unsubscribe": _unsubscribe,
    "knowledge.publish": _publish_knowledge,
    "enterprises.submit": _submit_enterprise,
    "enterprises.archive": _archive_enterprise,
    "enterprises.delete_asset": _delete_asset,
    "enterprises.change_role": _change_role,
    # enterprises
    "enterprises.register": _register_enterprise,
    "enterprises.accept_invitation": _accept_invitation,
    "enterprises.update_profile": _update_profile,
    "enterprises.save_asset": _save_asset,
    "enterprises.save_year_figures": _save_year_figures,
    "enterprises.mark_figures_checked": _mark_figures_checked,
    "enterprises.apply_import": _apply_import,
    "enterprises.discard_import": _discard_import,
    "municipalities.follow_by_email": _follow_by_email,
    "municipalities.unfollow": _unfollow,
    "accounts.deactivate_account": _deactivate_account,
    "enterprises.publish": _publish_enterprise,
    "enterprises.reject": _reject_enterprise,
    "enterprises.invite_member": _invite_member,
    "enterprises.withdraw_invitation": _withdraw_invitation,
    "enterprises.remove_member": _remove_member,
    "pioneers.decide": _decide,
    "pioneers.update_track": _update_track,
    "pioneers.add_log_entry": _add_log_entry,
    "pioneers.add_extra_element": _add_extra_element,
    "pioneers.unpublish_lesson": _unpublish_lesson,
    "knowledge.unpublish": _unpublish_knowledge,
    "knowledge.export_subscribers": _export_subscribers,
    # knowledge
    "knowledge.export_requests": _export_requests,
    "knowledge.mark_downloaded": _mark_downloaded,
    "municipalities.decide_link": _decide_link,
    # accounts
    "accounts.forget_account": _forget_account,
    "accounts.delete_account": _delete_account,
    "accounts.export_personal_data": _export_personal_data,
    # pioneers
    "pioneers.record_reading": _record_reading,
    "pioneers.save_milestone": _save_milestone,
    "pioneers.save_support_item": _save_support_item,
    # municipalities
    "municipalities.request_link": _request_link,
    "municipalities.confirm_follow": _confirm_follow,
    "municipalities.follow_as_officer": _follow_as_officer,
    "municipalities.record_export": _record_export,
    # monitor
    "monitor.open_round": _open_round,
    "monitor.close_round": _close_round,
    "monitor.export_non_respondents": _export_non_respondents,
    "monitor.fix_edition": _fix_edition,
    "monitor.publish_correction": _publish_correction,
}

# Take ``by`` but are not called here: an import's preview writes the batch it shows and records
# no entry (nothing has changed for anyone until ``apply_import``, which is called above).
NOT_CALLED_HERE = {
    "enterprises.preview_import",
}

# No ``by`` and no entry, on purpose. Each with its reason.
EXEMPT = {
    # Read-only helpers that live beside the writes.
    "accounts.account_stays": "read only",
    "accounts.deletion_blockers": "read only (locks rows for the caller's transaction)",
    "accounts.personal_data": "read only",
    "accounts.verified_addresses": "read only",
    "enterprises.import_errors_message": "builds a message",
    "enterprises.invitation_is_open": "read only",
    "enterprises.invited_address": "read only",
    "enterprises.member_emails": "read only",
    "enterprises.missing_for_submission": "read only",
    "pioneers.missing_for_submission": "read only",
    "knowledge.document_values": "builds the search row's values",
    "knowledge.download_token": "signs a link",
    "knowledge.download_url": "signs a link",
    "knowledge.facet_mask": "builds a value",
    "knowledge.facet_values": "builds a value",
    "knowledge.head_vector": "builds an expression",
    "knowledge.weighted_vector": "builds an expression",
    "knowledge.resolve_download_token": "read only",
    "knowledge.staff_inbox": "read only",
    "knowledge.subscriber_for_unsubscribe": "read only",
    "knowledge.unsubscribe_url": "signs a link",
    "municipalities.confirm_url": "signs a link",
    "municipalities.unfollow_url": "signs a link",
    "municipalities.email_domain_matches": "read only",
    "municipalities.follower_to_confirm": "read only",
    "monitor.due_reminder": "a calculation",
    "monitor.figures_url": "builds a link",
    "monitor.parse_reminder_days": "parses a setting",
    # System jobs run by Celery beat or a management command: the actor is the system, and the
    # retention run records its own RETENTION_APPLIED entry per rule.
    "accounts.delete_unverified_accounts": "retention job",
    "enterprises.delete_expired_invitations": "retention job",
    "enterprises.delete_stale_imports": "retention job",
    "knowledge.delete_expired_requests": "retention job",
    "knowledge.delete_unconfirmed_subscribers": "retention job",
    "municipalities.delete_unconfirmed_followers": "retention job",
    "monitor.send_reminders": "the nightly reminder run (its mails are logged per round)",
    "knowledge.rebuild_search_index": "derived search table, rebuilt by a command",
    # Derived data kept in step with an item: the change itself is audited where it is made.
    "knowledge.index_item": "derived search row of an item",
    "knowledge.remove_from_index": "derived search row of an item",
    "knowledge.remove_facet_from_index": "derived search rows, after a theme or audience went",
    "knowledge.update_search_vectors": "derived search row of an item",
    "knowledge.save_item": "the admin's save of an item (content, not a decision); publishing "
    "is audited",
    # Counters of anonymous reads: no person to name, and no decision.
    "knowledge.record_view": "view counter",
    "knowledge.record_download": "download counter",
    # Visitors without an account: there is no user to name; the request's row is the record.
    "knowledge.request_report": "an anonymous visitor's form; the row itself is the record",
    "knowledge.request_advice": "an anonymous visitor's form; the row itself is the record",
}


def _public_functions() -> dict[str, Callable]:
    found: dict[str, Callable[..., Any]] = {}
    for app in APPS:
        module = importlib.import_module(f"{app}.services")
        for name, value in vars(module).items():
            if name.startswith("_") or not inspect.isfunction(value):
                continue
            if value.__module__ != module.__name__:  # imported, not defined here
                continue
            found[f"{app}.{name}"] = value
    return found


def test_every_public_service_function_is_accounted_for():
    functions = set(_public_functions())
    known = set(CALLS) | NOT_CALLED_HERE | set(EXEMPT)
    assert sorted(functions - known) == [], "new service functions: add to CALLS or EXEMPT"
    assert sorted(known - functions) == [], "listed but gone: remove from the lists"
    assert not (set(CALLS) | NOT_CALLED_HERE) & set(EXEMPT)


@pytest.mark.parametrize("name", sorted(set(CALLS) | NOT_CALLED_HERE))
def test_a_service_that_changes_state_takes_the_actor_as_by(name):
    parameter = inspect.signature(_public_functions()[name]).parameters.get("by")
    assert parameter is not None and parameter.kind is inspect.Parameter.KEYWORD_ONLY


def _writes(queries) -> set[str]:
    tables = set()
    for query in queries:
        match = WRITE.match(query["sql"])
        if match and not NOT_A_CHANGE.search(match.group(2)):
            tables.add(match.group(2))
    return tables


@pytest.mark.django_db
@pytest.mark.parametrize("name", sorted(CALLS))
def test_a_service_that_changes_the_database_records_the_actor(
    name, django_capture_on_commit_callbacks
):
    actor, call = CALLS[name]()
    before = set(AuditEntry.objects.values_list("pk", flat=True))
    with django_capture_on_commit_callbacks(), CaptureQueriesContext(connection) as queries:
        call()
    written = _writes(queries.captured_queries)
    entries = list(
        AuditEntry.objects.exclude(pk__in=before).values_list("actor_id", "actor_number")
    )
    if not written and not entries:
        pytest.fail(f"{name} wrote nothing: its setup does not exercise it")
    # A change, or an audited read (an export): one entry, by the actor. An account that
    # deleted itself is named by its number only (the entry's link to it goes with it).
    still_there = type(actor).objects.filter(pk=actor.pk).exists()
    assert entries == [(actor.pk if still_there else None, actor.pk)], (name, sorted(written))
