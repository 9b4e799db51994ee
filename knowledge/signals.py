"""Keeps the search table free of deleted items, however they were deleted, and connects the
models in ``caches.FEEDS_SEARCH`` and ``caches.FEEDS_CONTENT`` (and the items' many-to-many
relations) to their cache's function, each by name.

Why receivers at all, beside the services' own calls: a deleted item must leave the search table
whoever deletes it (and a deleted theme or audience its masks: its bit may be given again),
and the pages must also follow rows saved through the ORM outside a service
(the enterprises' themes, which that app saves without knowing this one; the admin's relations;
a data fix in the shell; the cache tests' factories). Receivers are connected per model, never
for every model."""

from __future__ import annotations

from django.db.models import Model
from django.db.models.signals import m2m_changed, post_delete

from enterprises.models import Theme
from lsa_portal import fragment_cache

from . import caches, services
from .models import Audience


def search_changed(sender: type[Model], **kwargs: object) -> None:
    caches.search_changed()


def content_changed(sender: type[Model], **kwargs: object) -> None:
    caches.content_changed()


def relation_changed(sender: type[Model], action: str = "", **kwargs: object) -> None:
    if action.startswith("post_"):
        caches.content_changed()


def forget_deleted_item(
    sender: type[services.KnowledgeItem], instance: services.KnowledgeItem, **kwargs: object
) -> None:
    services.remove_from_index(instance)


def forget_deleted_facet(
    sender: type[Theme | Audience], instance: Theme | Audience, **kwargs: object
) -> None:
    services.remove_facet_from_index(instance)


def connect() -> None:
    fragment_cache.follow_models(caches.FEEDS_SEARCH, search_changed, uid="knowledge.search")
    fragment_cache.follow_models(caches.FEEDS_CONTENT, content_changed, uid="knowledge.content")
    for item_model in services.KNOWLEDGE_MODELS.values():
        post_delete.connect(
            forget_deleted_item,
            sender=item_model,
            dispatch_uid=f"knowledge.forget.{item_model.__name__}",
        )
    for facet_model in (Theme, Audience):
        post_delete.connect(
            forget_deleted_facet,
            sender=facet_model,
            dispatch_uid=f"knowledge.forget.{facet_model.__name__}",
        )
    for content_model in caches.FEEDS_CONTENT:
        for field in content_model._meta.local_many_to_many:
            through = field.remote_field.through
            m2m_changed.connect(
                relation_changed,
                sender=through,
                dispatch_uid=f"knowledge.content.{content_model.__name__}.{field.name}",
            )
