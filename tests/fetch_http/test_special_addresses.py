"""Issue 13 (low): the SSRF guard refuses the whole class of special-purpose
addresses, not a list of examples.  The blocks below are copied from the IANA
IPv4 and IPv6 special-purpose address registries by hand (not imported from
the code under test); the first and last address of each, and each hidden
in IPv4-mapped IPv6, must be refused, directly and through DNS."""

from __future__ import annotations

import ipaddress
from collections.abc import Callable

import pytest

from monitor.fetch.guard import blocked_reason
from monitor.fetch.http import Fetcher

IANA_V4 = ["0.0.0.0/8", "10.0.0.0/8", "100.64.0.0/10", "127.0.0.0/8", "169.254.0.0/16", "172.16.0.0/12",
           "192.0.0.0/24", "192.0.0.0/29", "192.0.0.8/32", "192.0.0.9/32", "192.0.0.10/32",
           "192.0.0.170/32", "192.0.0.171/32", "192.0.2.0/24", "192.31.196.0/24", "192.52.193.0/24",
           "192.88.99.0/24", "192.168.0.0/16", "192.175.48.0/24", "198.18.0.0/15", "198.51.100.0/24",
           "203.0.113.0/24", "240.0.0.0/4", "255.255.255.255/32", "224.0.0.0/4"]
IANA_V6 = ["::1/128", "::/128", "64:ff9b:1::/48", "100::/64", "2001::/23", "2001::/32", "2001:1::1/128",
           "2001:1::2/128", "2001:2::/48", "2001:3::/32", "2001:4:112::/48", "2001:10::/28",
           "2001:20::/28", "2001:30::/28", "2001:db8::/32", "2620:4f:8000::/48", "3fff::/20", "5f00::/16",
           "fc00::/7", "fe80::/10", "fec0::/10", "ff00::/8", "4000::/2", "8000::/1"]
PUBLIC = ["93.184.215.14", "1.1.1.1", "8.8.8.8", "2606:4700:4700::1111", "2a00:1450:4001::1",
          "64:ff9b::5db8:d70e", "2002:5db8:d70e::1"]  # NAT64 and 6to4 of a public IPv4 address


def _ends(cidrs: list[str]) -> list[str]:
    found = []
    for cidr in cidrs:
        net = ipaddress.ip_network(cidr)
        found += [str(net.network_address), str(net.broadcast_address)]
    return found


@pytest.mark.parametrize("address", _ends(IANA_V4) + _ends(IANA_V6))
def test_every_special_purpose_block_is_refused(address: str) -> None:
    assert blocked_reason(address, ()) is not None, address


@pytest.mark.parametrize("address", _ends(IANA_V4))
def test_special_ipv4_hidden_in_ipv6_is_refused(address: str) -> None:
    assert blocked_reason(f"::ffff:{address}", ()) is not None
    assert blocked_reason(str(ipaddress.ip_address("2002::") + (int(ipaddress.ip_address(address)) << 80)),
                          ()) is not None  # 6to4


@pytest.mark.parametrize("address", PUBLIC)
def test_public_addresses_pass(address: str) -> None:
    assert blocked_reason(address, ()) is None


@pytest.mark.parametrize("address", ["fec0::1", "192.0.0.8", "192.88.99.1", "192.0.0.9", "2001:db8::5"])
async def test_a_name_resolving_to_a_special_address_is_refused(make_fetcher: Callable[..., Fetcher],
                                                                address: str) -> None:
    async def dns(host: str) -> list[str]:
        return [address]

    result = await make_fetcher(allow_private=(), resolver=dns).fetch_page("http://news.example/a")
    assert result.error_kind == "blocked", result.error
    assert f"resolves to {address}" in (result.error or "")
