"""Every page that answers GET answers HEAD the same way, without a body.

Uptime monitors and link checkers ask with HEAD; a 405 there reads as "the site is down" or
"the link is broken". The URL patterns and the objects that fill their paths are the permission
matrix's (``test_permission_matrix.py``, ``tests/world.py``), so a new page is walked here too.
Each row is asked as the first role that may open it (anonymous when nobody may), so the view
itself answers, not only the log-in check in front of it.
"""

from __future__ import annotations

import socket

import pytest
from django.urls import reverse

from . import test_permission_matrix as matrix
from .test_permission_matrix import (
    ALL_GET_ROWS,
    ROLE_CODES,
    body_text,
    client_for,
    observed,
    path_for,
)

# The matrix's fixtures: its world (built once for this module) and its settings.
world = matrix.world
_matrix_settings = matrix._matrix_settings

pytestmark = pytest.mark.django_db


def role_that_opens(cells: tuple[str, ...]) -> str:
    """The first role whose GET is answered with 200, else the anonymous visitor."""
    for role, cell in zip(ROLE_CODES, cells, strict=True):
        if cell == "200":
            return role
    return "A"


def ask(world, row: str, role: str, method: str):
    client = client_for(world, role)
    path = path_for(world, row)
    response = client.get(path) if method == "GET" else client.head(path)
    return response, body_text(response)


@pytest.mark.parametrize("row", list(ALL_GET_ROWS))
def test_head_answers_like_get(world, row):
    role = role_that_opens(ALL_GET_ROWS[row])
    got, _ = ask(world, row, role, "GET")
    headed, body = ask(world, row, role, "HEAD")
    path = path_for(world, row)
    assert observed(headed) == observed(got), (
        f"HEAD {path} as {role}: {headed.status_code}, GET: {got.status_code}"
    )
    assert body == "", f"HEAD {path} sent a body"
    if got.status_code == 200:
        assert headed["Content-Type"] == got["Content-Type"], path


def test_the_walk_asks_pages_that_answer_200():
    """The walk above means something: most rows are opened by a role that may see them."""
    opened = [row for row, cells in ALL_GET_ROWS.items() if "200" in cells]
    assert len(opened) > 100


def test_a_real_server_sends_no_body_for_head(live_server):
    """Through a real WSGI server: headers with the page's length, then nothing."""
    host, port = live_server.url.removeprefix("http://").split(":")
    path = reverse("enterprises:index")
    with socket.create_connection((host, int(port)), timeout=10) as connection:
        connection.sendall(
            f"HEAD {path} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n".encode()
        )
        answer = b""
        while chunk := connection.recv(65536):
            answer += chunk
    head, _, rest = answer.partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 200"), head[:80]
    assert b"text/html" in head
    assert rest == b""
