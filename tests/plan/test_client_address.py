"""The client's address behind a reverse proxy (plan.client_address), and the login lockout
(django-axes) per real client address and user name."""

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.test import RequestFactory
from django.urls import reverse

from plan.client_address import client_address, trusted_networks
from tests.factories import PASSWORD, UserFactory

PROXY = "10.0.0.5"


@pytest.fixture
def behind_proxy(settings):
    settings.TRUSTED_PROXIES = [PROXY, "192.168.1.0/24"]
    settings.TRUSTED_PROXY_NETWORKS = trusted_networks(settings.TRUSTED_PROXIES)


def address(peer: str, forwarded: str | None = None) -> str:
    headers = {"HTTP_X_FORWARDED_FOR": forwarded} if forwarded is not None else {}
    return client_address(RequestFactory().get("/", REMOTE_ADDR=peer, **headers))


def test_without_trusted_proxies_the_peer_is_the_client_whatever_the_header_says():
    assert address("203.0.113.7", "198.51.100.1") == "203.0.113.7"


def test_a_forged_header_from_an_untrusted_peer_is_ignored(behind_proxy):
    assert address("203.0.113.7", "198.51.100.1") == "203.0.113.7"


def test_through_a_trusted_proxy_the_hop_it_saw_is_the_client(behind_proxy):
    assert address(PROXY, "198.51.100.1") == "198.51.100.1"


def test_what_the_client_wrote_left_of_the_proxys_hop_is_ignored(behind_proxy):
    # The client sent "X-Forwarded-For: 1.2.3.4"; the proxy appended the address it saw.
    assert address(PROXY, "1.2.3.4, 198.51.100.1") == "198.51.100.1"


def test_a_chain_of_trusted_proxies_is_walked_to_the_first_untrusted_hop(behind_proxy):
    assert address(PROXY, "1.2.3.4, 198.51.100.1, 192.168.1.20") == "198.51.100.1"


def test_a_malformed_hop_stops_the_walk_at_the_last_proxy_that_vouched(behind_proxy):
    assert address(PROXY, "not-an-address") == PROXY
    assert address(PROXY, "198.51.100.1, junk, 192.168.1.20") == "192.168.1.20"


def test_a_trusted_proxy_without_the_header_is_its_own_client(behind_proxy):
    assert address(PROXY) == PROXY


def test_a_setting_that_is_not_an_address_stops_the_start():
    with pytest.raises(ImproperlyConfigured, match="TRUSTED_PROXIES"):
        trusted_networks(["nginx.local"])


# The lockout: 5 failures for one user name from one client address.

LOGIN = reverse("login")


def login(client, password: str, peer: str, forwarded: str | None = None):
    headers = {"HTTP_X_FORWARDED_FOR": forwarded} if forwarded is not None else {}
    return client.post(
        LOGIN, {"username": "tanaka", "password": password}, REMOTE_ADDR=peer, **headers
    )


@pytest.mark.django_db
def test_a_forged_header_cannot_dodge_the_lockout(client, behind_proxy):
    UserFactory(username="tanaka")
    for n in range(5):
        login(client, "wrong-password", "203.0.113.7", forwarded=f"198.51.100.{n}")
    assert login(client, PASSWORD, "203.0.113.7", forwarded="198.51.100.99").status_code == 429


@pytest.mark.django_db
def test_a_forged_header_cannot_lock_someone_else_out(client, behind_proxy):
    UserFactory(username="tanaka")
    for _ in range(5):  # an attacker claims to be the real user's address
        login(client, "wrong-password", "203.0.113.66", forwarded="198.51.100.1")
    assert login(client, PASSWORD, PROXY, forwarded="198.51.100.1").status_code == 302


@pytest.mark.django_db
def test_through_the_proxy_each_client_is_locked_separately(client, behind_proxy):
    UserFactory(username="tanaka")
    for _ in range(5):
        login(client, "wrong-password", PROXY, forwarded="198.51.100.1")
    assert login(client, PASSWORD, PROXY, forwarded="198.51.100.1").status_code == 429
    assert login(client, PASSWORD, PROXY, forwarded="198.51.100.2").status_code == 302


@pytest.mark.django_db
def test_a_client_forging_a_header_through_the_proxy_is_still_locked(client, behind_proxy):
    UserFactory(username="tanaka")
    for n in range(5):
        login(client, "wrong-password", PROXY, forwarded=f"1.2.3.{n}, 198.51.100.1")
    assert login(client, PASSWORD, PROXY, forwarded="9.9.9.9, 198.51.100.1").status_code == 429
