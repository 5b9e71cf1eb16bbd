"""The address a request came from, behind a reverse proxy or not.

Every request through a proxy arrives from the proxy's address; the client's is in the
``X-Forwarded-For`` header, which each proxy appends to. Anyone can send that header, so it
is believed only from the proxies named in ``TRUSTED_PROXIES``, and only as far as they
vouch for it: read from the right, the first hop that is not a trusted proxy is the client.
Whatever a client wrote further left is its own claim and is ignored. The login lockout
(django-axes, ``AXES_CLIENT_IP_CALLABLE``) and the request log use this address.
"""

import ipaddress

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.http import HttpRequest

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


def trusted_networks(entries: list[str]) -> tuple[Network, ...]:
    """``TRUSTED_PROXIES`` (addresses or networks such as 10.0.0.0/24) read once at start."""
    networks = []
    for entry in entries:
        try:
            networks.append(ipaddress.ip_network(entry, strict=False))
        except ValueError:
            raise ImproperlyConfigured(
                f"TRUSTED_PROXIES には IP アドレスかネットワーク（例: 10.0.0.0/24）を"
                f"カンマ区切りで指定してください（値: {entry!r}）。"
            ) from None
    return tuple(networks)


def _address(text: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    try:
        return ipaddress.ip_address(text.strip())
    except ValueError:
        return None


def _trusted(address) -> bool:
    return any(address in network for network in settings.TRUSTED_PROXY_NETWORKS)


def client_address(request: HttpRequest) -> str:
    """The right-most address in the chain (``X-Forwarded-For`` then the peer) that is not
    a trusted proxy; the peer's own address when it is not a trusted proxy."""
    peer = request.META.get("REMOTE_ADDR", "")
    current = _address(peer)
    if current is None or not _trusted(current):
        return peer
    hops = request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
    for hop in reversed(hops):
        address = _address(hop)
        if address is None:
            break  # not written by a proxy we trust: the chain stops at the last good hop
        current = address
        if not _trusted(address):
            break
    return str(current)
