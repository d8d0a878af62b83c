"""SSRF guard for untrusted links (article pages named by feeds anyone can write,
and feed redirects that leave the configured feed's origin).

Before each request, and again on every redirect hop, the host is resolved
and EVERY address it resolves to must be public, unless it falls inside one of
`fetch.allow_private` (CIDRs).  The fetcher then connects to the address we
checked (it pins it), so a DNS answer that changes between check and connect
(DNS rebinding) cannot slip through.

Refused: cloud metadata addresses (169.254.169.254, fd00:ec2::254,
100.100.100.200), every block of the IANA special-purpose registries
(monitor.fetch.special: loopback, private, link-local, CGNAT, documentation,
benchmarking, AS112, 6to4 relay anycast, IETF protocol assignments such as
192.0.0.8, site-local fec0::/10, multicast, reserved, IPv6 outside 2000::/3),
anything else `ipaddress` does not call global, and the same addresses hidden
in IPv4-mapped / 6to4 / NAT64 IPv6 (judged by the IPv4 address inside).

>>> blocked_reason("93.184.215.14", ())
>>> blocked_reason("169.254.169.254", ())
'169.254.169.254 is a cloud metadata address'
>>> blocked_reason("::ffff:10.0.0.5", ())
'10.0.0.5 is a private address (10.0.0.0/8)'
>>> blocked_reason("192.0.0.8", ())
'192.0.0.8 is an IETF protocol assignment (192.0.0.0/24)'
>>> blocked_reason("10.0.0.5", parse_networks(["10.0.0.0/8"]))
"""

from __future__ import annotations

import asyncio
import ipaddress
import socket
from collections.abc import Awaitable, Callable, Iterable, Sequence

from monitor.fetch.special import special_block

Resolver = Callable[[str], Awaitable[list[str]]]
Network = ipaddress.IPv4Network | ipaddress.IPv6Network
Address = ipaddress.IPv4Address | ipaddress.IPv6Address

_METADATA = {ipaddress.ip_address("169.254.169.254"), ipaddress.ip_address("fd00:ec2::254"),
             ipaddress.ip_address("100.100.100.200")}  # AWS/GCP/Azure, AWS IPv6, Alibaba
_NAT64 = ipaddress.ip_network("64:ff9b::/96")


class Blocked(Exception):
    """The URL may not be fetched; the message says why and what to change."""


def parse_networks(cidrs: Iterable[str]) -> tuple[Network, ...]:
    """`fetch.allow_private` entries as networks; a bad entry names itself."""
    nets = []
    for cidr in cidrs:
        try:
            nets.append(ipaddress.ip_network(str(cidr).strip(), strict=False))
        except ValueError:
            raise ValueError(f"fetch.allow_private: {cidr!r} is not a CIDR; "
                             "write e.g. 10.0.0.0/8 or fd00::/8") from None
    return tuple(nets)


def _embedded(ip: Address) -> Address | None:
    """The IPv4 address hidden inside an IPv6 one (mapped, 6to4, NAT64)."""
    if isinstance(ip, ipaddress.IPv6Address):
        if ip.ipv4_mapped is not None:
            return ip.ipv4_mapped
        if ip.sixtofour is not None:
            return ip.sixtofour
        if ip in _NAT64:
            return ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
    return None


def _kind(ip: Address) -> str | None:
    if ip in _METADATA:
        return "a cloud metadata address"
    special = special_block(ip)
    if special:
        return special
    if not ip.is_global:  # whatever this Python's tables add
        return "a reserved address"
    return None


def _refusal(address: str, allow: Sequence[Network]) -> tuple[str, str] | None:
    """(the offending address, what kind it is), or None when reachable."""
    try:
        ip = ipaddress.ip_address(address.split("%", 1)[0])
    except ValueError:
        return address, "not an IP address"
    inner = _embedded(ip)
    for candidate in (ip, inner):
        if candidate is not None and any(candidate.version == n.version and candidate in n
                                         for n in allow):
            return None
    judged = inner if inner is not None else ip  # a translation prefix: the IPv4 address decides
    kind = _kind(judged)
    return (str(judged), kind) if kind else None


def blocked_reason(address: str, allow: Sequence[Network]) -> str | None:
    """Why `address` may not be reached, or None when it may."""
    refusal = _refusal(address, allow)
    return None if refusal is None else f"{refusal[0]} is {refusal[1]}"


async def system_resolver(host: str) -> list[str]:
    """Every address the system resolver gives for `host` (A and AAAA)."""
    loop = asyncio.get_running_loop()
    infos = await loop.getaddrinfo(host, None, type=socket.SOCK_STREAM)
    return list(dict.fromkeys(str(info[4][0]) for info in infos))


async def resolve_checked(host: str, resolver: Resolver, allow: Sequence[Network], *,
                          purpose: str = "article links may not reach internal networks") -> str:
    """Resolve `host` and return the address to connect to; raise Blocked if
    any of its addresses is refused (so a mixed answer is refused too).
    `purpose` says in the refusal why the address had to be public."""
    literal = host.strip("[]")
    try:
        addresses = [str(ipaddress.ip_address(literal.split("%", 1)[0]))]
    except ValueError:
        try:
            addresses = await resolver(host)
        except (OSError, UnicodeError) as exc:
            raise LookupError(f"cannot resolve {host!r}: {exc}") from None
        if not addresses:
            raise LookupError(f"cannot resolve {host!r}: no addresses") from None
    for address in addresses:
        refusal = _refusal(address, allow)
        if refusal:
            where = (f"{refusal[0]} is {refusal[1]}" if literal == address
                     else f"{host} resolves to {refusal[0]}, {refusal[1]}")
            raise Blocked(f"refused to fetch: {where}; {purpose} (add its CIDR to "
                          "fetch.allow_private to allow it)")
    return addresses[0]
