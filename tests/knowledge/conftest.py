"""Fixtures of the knowledge base's tests."""

import pytest


@pytest.fixture
def post(client, django_capture_on_commit_callbacks):
    """``client.post`` that also runs what the view left for after the commit (the mails)."""

    def _post(*args, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return client.post(*args, **kwargs)

    return _post
