"""Keep the search table free of deleted items, however they were deleted, and the cached search
pages in step with the search table."""

from django.db.models.signals import post_delete, post_save

from enterprises.models import Theme
from lsa_portal import fragment_cache

from . import services
from .models import SearchDocument


def search_changed(sender, **kwargs) -> None:
    fragment_cache.bump(services.SEARCH_FRAGMENTS)


def forget_deleted_item(sender, instance, **kwargs) -> None:
    services.remove_from_index(instance)


def connect() -> None:
    for model in (SearchDocument, Theme):
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
