"""The address blocks an untrusted link may never reach, from the IANA
special-purpose address registries (iana-ipv4-special-registry,
iana-ipv6-special-registry) plus what those registries leave to others:
multicast, the deprecated IPv6 site-local block, and for IPv6 everything
outside 2000::/3, the only space IANA allocates for global unicast.

The refusal does not depend on the Python version's `ipaddress` tables
(whose `is_global` has changed between patch releases, e.g. for
192.0.0.9/32): every block of the registries is listed here, including the
few the registry marks globally reachable (AS112 sinks, the PCP and TURN
anycast addresses, the 6to4 relay anycast) - none of them serves an article.
The translation prefixes (IPv4-mapped, 6to4, NAT64) are not here: the guard
judges the IPv4 address inside them.

>>> special_block("192.88.99.1")
'a deprecated 6to4 relay anycast address (192.88.99.0/24)'
>>> special_block("fec0::1")
'a site-local address (fec0::/10)'
>>> special_block("4000::1")
'an address outside the global unicast space (not in 2000::/3)'
>>> special_block("93.184.215.14") is None
True
"""

from __future__ import annotations

import ipaddress

_V4 = (
    ("0.0.0.0/8", "a 'this network' address"),
    ("0.0.0.0/32", "an unspecified address"),
    ("10.0.0.0/8", "a private address"),
    ("100.64.0.0/10", "a shared (CGNAT) address"),
    ("127.0.0.0/8", "a loopback address"),
    ("169.254.0.0/16", "a link-local address"),
    ("172.16.0.0/12", "a private address"),
    ("192.0.0.0/24", "an IETF protocol assignment"),
    ("192.0.2.0/24", "a documentation address"),
    ("192.31.196.0/24", "an AS112 address"),
    ("192.52.193.0/24", "an AMT address"),
    ("192.88.99.0/24", "a deprecated 6to4 relay anycast address"),
    ("192.168.0.0/16", "a private address"),
    ("192.175.48.0/24", "an AS112 address"),
    ("198.18.0.0/15", "a benchmarking address"),
    ("198.51.100.0/24", "a documentation address"),
    ("203.0.113.0/24", "a documentation address"),
    ("224.0.0.0/4", "a multicast address"),
    ("240.0.0.0/4", "a reserved address"),
    ("255.255.255.255/32", "the broadcast address"),
)
_V6 = (
    ("::/128", "an unspecified address"),
    ("::1/128", "a loopback address"),
    ("64:ff9b:1::/48", "a local-use translation address"),
    ("100::/64", "a discard-only address"),
    ("100:0:0:1::/64", "a dummy-prefix address"),
    ("2001::/23", "an IETF protocol assignment"),
    ("2001:db8::/32", "a documentation address"),
    ("2620:4f:8000::/48", "an AS112 address"),
    ("3fff::/20", "a documentation address"),
    ("5f00::/16", "a segment-routing (SRv6) address"),
    ("fc00::/7", "a private (unique-local) address"),
    ("fe80::/10", "a link-local address"),
    ("fec0::/10", "a site-local address"),
    ("ff00::/8", "a multicast address"),
)
_GLOBAL_UNICAST = ipaddress.ip_network("2000::/3")
_BLOCKS = tuple((ipaddress.ip_network(cidr), f"{name} ({cidr})") for cidr, name in (*_V4, *_V6))


def special_block(address: str | ipaddress.IPv4Address | ipaddress.IPv6Address) -> str | None:
    """What special-purpose block `address` is in ("a private address
    (10.0.0.0/8)"), or None for an ordinary public address."""
    ip = ipaddress.ip_address(address)
    # most specific first: 2001:db8::/32 is named as documentation, not as 2001::/23's neighbour
    found = [(net, name) for net, name in _BLOCKS if net.version == ip.version and ip in net]
    if found:
        return max(found, key=lambda pair: pair[0].prefixlen)[1]
    if isinstance(ip, ipaddress.IPv6Address) and ip not in _GLOBAL_UNICAST:
        return "an address outside the global unicast space (not in 2000::/3)"
    return None
