"""Keep the search table free of deleted items, however they were deleted, and the cached
search pages in step with the search table; pages built on the items (a municipality's page)
follow every change of an item, its category or its audiences."""

from django.db.models.signals import m2m_changed, post_delete, post_save

from enterprises.models import Theme
from lsa_portal import fragment_cache

from . import selectors, services
from .models import FAQ, Article, Audience, CaseDescription, FAQCategory, Report, SearchDocument

SHOWN_ON_OTHER_PAGES = (Report, FAQ, Article, CaseDescription, FAQCategory, Audience)


def search_changed(sender, **kwargs) -> None:
    fragment_cache.bump(services.SEARCH_FRAGMENTS)


def content_changed(sender, **kwargs) -> None:
    fragment_cache.bump(selectors.CONTENT_FRAGMENTS)


def relation_changed(sender, action="", **kwargs) -> None:
    if action.startswith("post_"):
        fragment_cache.bump(selectors.CONTENT_FRAGMENTS)


def forget_deleted_item(sender, instance, **kwargs) -> None:
    services.remove_from_index(instance)


def connect() -> None:
    for model in (SearchDocument, Theme, Audience):
        post_save.connect(
            search_changed, sender=model, dispatch_uid=f"knowledge.search.{model.__name__}"
        )
        post_delete.connect(
            search_changed, sender=model, dispatch_uid=f"knowledge.search-del.{model.__name__}"
        )
    for model in services.KNOWLEDGE_MODELS.values():
        post_delete.connect(
            forget_deleted_item, sender=model, dispatch_uid=f"knowledge.forget.{model.__name__}"
        )
    for model in SHOWN_ON_OTHER_PAGES:
        uid = f"knowledge.content.{model.__name__}"
        post_save.connect(content_changed, sender=model, dispatch_uid=uid)
        post_delete.connect(content_changed, sender=model, dispatch_uid=f"{uid}-del")
        for field in model._meta.local_many_to_many:
            through = field.remote_field.through
            m2m_changed.connect(
                relation_changed, sender=through, dispatch_uid=f"{uid}.{field.name}"
            )
