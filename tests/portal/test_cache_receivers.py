"""A cache learns of a change from named calls (lsa_portal/fragment_cache.py): the services and
the admin call their app's ``caches`` function, and the receivers that remain are connected for
the models that feed a cache, by name. No receiver of the portal's apps runs for every model
saved anywhere, and the explicit calls alone keep the caches honest."""

import weakref
from datetime import date
from pathlib import Path

import pytest
from django.apps import apps
from django.conf import settings
from django.db.models import Model
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.urls import reverse

import enterprises.caches
import knowledge.caches
import municipalities.caches
import pioneers.caches
from enterprises import services as enterprise_services
from enterprises.models import EnterpriseStatus, MembershipRole
from enterprises.selectors import DIRECTORY_FRAGMENTS
from knowledge import services as knowledge_services
from knowledge.search import SEARCH_FRAGMENTS
from knowledge.selectors import CONTENT_FRAGMENTS
from lsa_portal import fragment_cache
from municipalities import brief
from municipalities.selectors import BRIEF_FRAGMENTS
from pioneers import services as pioneer_services
from pioneers.models import LogKind, Visibility
from pioneers.selectors import FRAGMENTS as PROGRAMME_FRAGMENTS
from tests.factories import (
    AssetFactory,
    EnterpriseFactory,
    MembershipFactory,
    MunicipalityFactory,
    PioneerFactory,
    ReportFactory,
    StaffFactory,
    UserFactory,
)

# The project's own apps: the packages at the top of the repository.
PORTAL_APPS = {
    config.name
    for config in apps.get_app_configs()
    if Path(config.path).parent == settings.BASE_DIR
}
MODEL_SIGNALS = (post_save, post_delete, m2m_changed)
FEEDS: dict[str, tuple[type[Model], ...]] = {
    "enterprises.caches.FEEDS_DIRECTORY": enterprises.caches.FEEDS_DIRECTORY,
    "pioneers.caches.FEEDS_PROGRAMME": pioneers.caches.FEEDS_PROGRAMME,
    "knowledge.caches.FEEDS_SEARCH": knowledge.caches.FEEDS_SEARCH,
    "knowledge.caches.FEEDS_CONTENT": knowledge.caches.FEEDS_CONTENT,
    "municipalities.caches.FEEDS_BRIEFS": municipalities.caches.FEEDS_BRIEFS,
}


def _receiver(entry):
    """The function behind one entry of ``Signal.receivers`` (None once it is gone)."""
    _lookup, reference, _is_async = entry
    return reference() if isinstance(reference, weakref.ReferenceType) else reference


def _is_portal(entry) -> bool:
    receiver = _receiver(entry)
    return receiver is not None and receiver.__module__.split(".")[0] in PORTAL_APPS


def _portal_senders(signal) -> list[tuple[str, int]]:
    """(receiver, id of its sender) for every receiver of the portal's apps."""
    return [
        (f"{_receiver(entry).__module__}.{_receiver(entry).__qualname__}", entry[0][1])
        for entry in signal.receivers
        if _is_portal(entry)
    ]


def test_the_portal_apps_are_the_ones_to_look_at():
    assert {"enterprises", "pioneers", "knowledge", "municipalities", "api", "monitor"} <= (
        PORTAL_APPS
    )
    assert "simple_history" not in PORTAL_APPS


@pytest.mark.parametrize("signal", MODEL_SIGNALS, ids=["post_save", "post_delete", "m2m_changed"])
def test_no_receiver_of_the_portal_runs_for_every_model(signal):
    every_model = id(None)  # what Signal.connect() keys a receiver without a sender by
    assert [name for name, sender in _portal_senders(signal) if sender == every_model] == []


def _label(model: type[Model]) -> str:
    return model._meta.label


FED: set[type[Model]] = {model for models in FEEDS.values() for model in models}


@pytest.mark.parametrize("model", sorted(FED, key=_label), ids=_label)  # type: ignore[arg-type]
def test_every_model_that_feeds_a_cache_is_followed_by_name(model):
    for signal in (post_save, post_delete):
        assert id(model) in {sender for _name, sender in _portal_senders(signal)}, signal


# --- The explicit calls alone -----------------------------------------------------------------


@pytest.fixture
def no_receivers():
    """The portal's receivers disconnected for the test: what remains is the explicit calls."""
    kept = {}
    for signal in MODEL_SIGNALS:
        kept[signal] = signal.receivers
        signal.receivers = [entry for entry in signal.receivers if not _is_portal(entry)]
        signal.sender_receivers_cache.clear()
    yield
    for signal, receivers in kept.items():
        signal.receivers = receivers
        signal.sender_receivers_cache.clear()


class _Versions:
    def __init__(self, *namespaces):
        self.before = {name: fragment_cache.version(name) for name in namespaces}

    def changed(self) -> set[str]:
        return {name for name, old in self.before.items() if fragment_cache.version(name) != old}


@pytest.fixture
def owned():
    owner = UserFactory()
    enterprise = EnterpriseFactory()
    MembershipFactory(enterprise=enterprise, user=owner, role=MembershipRole.OWNER)
    return owner, enterprise


@pytest.mark.django_db
def test_the_enterprises_services_bump_the_directory_themselves(no_receivers, owned):
    owner, enterprise = owned
    versions = _Versions(DIRECTORY_FRAGMENTS)
    enterprise_services.update_profile(enterprise, by=owner, changes={"pitch": "Nieuw brood."})
    assert versions.changed() == {DIRECTORY_FRAGMENTS}

    versions = _Versions(DIRECTORY_FRAGMENTS)
    asset = enterprise_services.save_asset(AssetFactory.build(enterprise=enterprise), by=owner)
    assert versions.changed() == {DIRECTORY_FRAGMENTS}

    versions = _Versions(DIRECTORY_FRAGMENTS)
    enterprise_services.delete_asset(asset, by=owner)
    assert versions.changed() == {DIRECTORY_FRAGMENTS}

    versions = _Versions(DIRECTORY_FRAGMENTS)
    archived = enterprise_services.archive(enterprise, by=owner)
    assert archived.status == EnterpriseStatus.ARCHIVED
    assert versions.changed() == {DIRECTORY_FRAGMENTS}


@pytest.mark.django_db
def test_the_programme_services_bump_the_programme_themselves(no_receivers):
    staff = StaffFactory()
    pioneer = PioneerFactory()
    versions = _Versions(PROGRAMME_FRAGMENTS)
    pioneer_services.add_log_entry(
        pioneer,
        by=staff,
        kind=LogKind.NOTE,
        date=date(2026, 3, 1),
        text="Gesprek met de huurders.",
        visibility=Visibility.SHARED,
    )
    assert versions.changed() == {PROGRAMME_FRAGMENTS}

    versions = _Versions(PROGRAMME_FRAGMENTS)
    lesson = pioneer_services.add_lesson(pioneer, by=staff, title="Huur eerst", text="Eerst huren.")
    pioneer_services.publish_lesson(lesson, by=staff)
    assert versions.changed() == {PROGRAMME_FRAGMENTS}


@pytest.mark.django_db
def test_the_knowledge_services_bump_content_and_search_themselves(no_receivers):
    report = ReportFactory()
    versions = _Versions(CONTENT_FRAGMENTS, SEARCH_FRAGMENTS, DIRECTORY_FRAGMENTS)
    knowledge_services.unpublish(report, by=StaffFactory())
    assert versions.changed() == {CONTENT_FRAGMENTS, SEARCH_FRAGMENTS}


@pytest.mark.django_db
def test_a_brief_requested_bumps_the_briefs_itself(no_receivers):
    versions = _Versions(BRIEF_FRAGMENTS)
    brief.request_brief(MunicipalityFactory(), by=None)
    assert versions.changed() == {BRIEF_FRAGMENTS}


@pytest.mark.django_db
def test_a_deletion_in_the_admin_bumps_the_directory_itself(client, no_receivers):
    municipality = MunicipalityFactory()
    client.force_login(StaffFactory(is_superuser=True))
    versions = _Versions(DIRECTORY_FRAGMENTS)
    url = reverse("admin:enterprises_municipality_delete", args=[municipality.pk])
    response = client.post(url, {"post": "yes"})
    assert response.status_code == 302
    assert versions.changed() == {DIRECTORY_FRAGMENTS}


@pytest.mark.django_db
def test_the_same_changes_through_the_orm_are_followed_by_the_receivers():
    """The other half: a row saved outside a service (the shell, a cascade) still counts."""
    enterprise = EnterpriseFactory()
    versions = _Versions(DIRECTORY_FRAGMENTS, PROGRAMME_FRAGMENTS)
    enterprise.pitch = "Uit de shell."
    enterprise.save()
    assert versions.changed() == {DIRECTORY_FRAGMENTS, PROGRAMME_FRAGMENTS}
