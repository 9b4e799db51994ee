"""Keep the search table free of deleted items, however they were deleted."""

from django.db.models.signals import post_delete

from . import services


def forget_deleted_item(sender, instance, **kwargs) -> None:
    services.remove_from_index(instance)


def connect() -> None:
    for model in services.KNOWLEDGE_MODELS.values():
        post_delete.connect(
            forget_deleted_item, sender=model, dispatch_uid=f"knowledge.forget.{model.__name__}"
        )
