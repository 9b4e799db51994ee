"""The visitor's address, as the proxies the operator trusts report it.

Behind a proxy every request comes from the proxy's address (``REMOTE_ADDR``); the visitor's own
address is in the header the proxy adds (``X-Forwarded-For``: each proxy appends the address it
received the request from). Anyone can send that header, so only what a trusted proxy wrote is
believed, read from the right:

- ``TRUSTED_PROXY_COUNT`` = N: every request passes N proxies of the operator; the Nth address
  from the right is the visitor's. Whatever a visitor put in the header before it stays on the
  left and is never read.
- ``TRUSTED_PROXIES``: the proxies' addresses or networks. The header is read only when
  ``REMOTE_ADDR`` is one of them (a request that bypassed the proxy is taken at its word), and
  trusted proxies are skipped from the right; the first other address is the visitor's.
- Both: a hop is skipped only if it is among the N nearest and in the list.
- Neither (the default): the header is ignored, ``REMOTE_ADDR`` is the visitor.

When the header does not reach a hop that is not a trusted proxy (fewer addresses than the
proxies configured, or one that is not an address), ``REMOTE_ADDR`` is used: nothing unverified
is ever believed. Every limit per address (allauth's through ``accounts.adapter``, the knowledge
forms') and anything else that needs the visitor's address asks ``client_ip``.
"""

from __future__ import annotations

import ipaddress
import logging
from functools import lru_cache

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

logger = logging.getLogger(__name__)

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


def client_ip(request) -> str:
    """The visitor's address (canonical text, e.g. ``2001:db8::1``); "" if there is none."""
    peer = request.META.get("REMOTE_ADDR", "") or ""
    count, proxies, header = _policy(
        settings.TRUSTED_PROXY_COUNT,
        tuple(settings.TRUSTED_PROXIES),
        settings.TRUSTED_PROXY_HEADER,
    )
    if not count and not proxies:
        return _canonical(peer) or peer
    if proxies and not _in(_address(peer), proxies):
        return _canonical(peer) or peer  # not from a trusted proxy: the header is not read
    forwarded = request.headers.get(header, "")
    hops = [*(part.strip() for part in forwarded.split(",") if part.strip()), peer]
    # hops[-1] is the peer, hops[-2] the address the peer received the request from, and so on.
    for distance, hop in enumerate(reversed(hops)):
        trusted = (not count or distance < count) and (not proxies or _in(_address(hop), proxies))
        if not trusted:
            return _canonical(hop) or _canonical(peer) or peer
    if count:
        _warn_short_header(count, header)
    return _canonical(peer) or peer


@lru_cache(maxsize=8)
def _policy(count: int, proxies: tuple[str, ...], header: str):
    if count < 0:
        raise ImproperlyConfigured("TRUSTED_PROXY_COUNT cannot be negative.")
    networks = tuple(parse_network(value) for value in proxies)
    return count, networks, header


def parse_network(value: str) -> Network:
    """``10.0.0.5``, ``10.0.0.0/8`` or ``fd00::/8`` as a network; ImproperlyConfigured if not."""
    try:
        return ipaddress.ip_network(value.strip(), strict=False)
    except ValueError as error:
        raise ImproperlyConfigured(
            f"TRUSTED_PROXIES: {value!r} is not an address or network (e.g. 10.0.0.0/8)."
        ) from error


def _address(value: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    """The address in one hop: plain, ``[v6]``, ``v4:port`` or ``[v6]:port``; None if none."""
    text = value.strip()
    if text.startswith("["):
        text = text[1:].partition("]")[0]
    elif text.count(":") == 1:  # an IPv4 address with a port
        text = text.partition(":")[0]
    try:
        address = ipaddress.ip_address(text)
    except ValueError:
        return None
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped:
        return address.ipv4_mapped
    return address


def _canonical(value: str) -> str:
    address = _address(value)
    return str(address) if address is not None else ""


def _in(address, networks: tuple[Network, ...]) -> bool:
    return address is not None and any(address in network for network in networks)


_warned = False


def _warn_short_header(count: int, header: str) -> None:
    """Once per process: the configuration promises more proxies than the header shows."""
    global _warned
    if not _warned:
        _warned = True
        logger.warning(
            "TRUSTED_PROXY_COUNT is %s, but a request's %s has fewer addresses: its "
            "REMOTE_ADDR is used instead (is a proxy missing, or bypassed?).",
            count,
            header,
        )
