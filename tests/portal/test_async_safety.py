"""Django's async-safety check is in force for the test process: only the browser tests lift it,
while their Playwright loop runs (tests/browser/conftest.py), so an ORM call from async code
fails here as it would in production."""

import asyncio
import os

import pytest
from django.core.exceptions import SynchronousOnlyOperation

from enterprises.models import Municipality


def test_the_check_is_not_lifted_for_the_whole_process():
    assert "DJANGO_ALLOW_ASYNC_UNSAFE" not in os.environ


@pytest.mark.django_db
def test_an_orm_call_from_async_code_is_refused():
    async def count_from_a_coroutine():
        return Municipality.objects.count()

    with pytest.raises(SynchronousOnlyOperation):
        asyncio.run(count_from_a_coroutine())
