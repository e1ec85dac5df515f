"""Which network addresses code blocks may reach (SSRF protection).

Rules, applied to every address a host name resolves to (so decimal, octal, hex and
IPv4-mapped spellings are judged by the address they mean, not by their text):
refuse loopback, private, link-local (cloud metadata lives there), unique-local,
multicast, unspecified, reserved and shared (CGNAT) addresses, and IPv6 forms that
embed an IPv4 address (mapped, NAT64, 6to4, Teredo) when the embedded one is refused.
Operators widen the rules with FETCH_ALLOW_HOSTS and narrow them with FETCH_DENY_HOSTS
(host names, `*.suffix` wildcards, IP addresses or CIDRs); deny wins over allow.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Final

__all__ = ["AddressPolicy", "Refused", "parse_host_list"]

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network

_NAT64: Final = ipaddress.IPv6Network("64:ff9b::/96")
_SHARED: Final = ipaddress.IPv4Network("100.64.0.0/10")
# Cloud metadata endpoints that are not caught by the link-local rule on every cloud.
_METADATA: Final = (ipaddress.IPv6Network("fd00:ec2::254/128"),)


class Refused(Exception):
    """A destination the policy does not allow; the message says why."""


@dataclass(frozen=True, slots=True)
class HostList:
    names: frozenset[str]
    suffixes: tuple[str, ...]  # from `*.example.com`: ".example.com"
    networks: tuple[IPNetwork, ...]

    def matches_name(self, host: str) -> bool:
        host = host.lower().rstrip(".")
        return host in self.names or any(host.endswith(s) for s in self.suffixes)

    def matches_address(self, address: IPAddress) -> bool:
        return any(address.version == n.version and address in n for n in self.networks)

    def __bool__(self) -> bool:
        return bool(self.names or self.suffixes or self.networks)


def parse_host_list(entries: Iterable[str]) -> HostList:
    """Parses `example.com`, `*.example.com`, `10.0.0.5`, `10.0.0.0/8`, `::1`; raises
    ValueError naming a bad entry."""
    names: set[str] = set()
    suffixes: list[str] = []
    networks: list[IPNetwork] = []
    for raw in entries:
        entry = raw.strip().lower()
        if not entry:
            continue
        try:
            networks.append(ipaddress.ip_network(entry.strip("[]"), strict=False))
            continue
        except ValueError:
            pass
        if entry.startswith("*."):
            suffixes.append(entry[1:])
        elif all(part and all(c.isalnum() or c == "-" for c in part) for part in entry.rstrip(".").split(".")):
            names.add(entry.rstrip("."))
        else:
            raise ValueError(f"{raw!r} is not a host name, *.suffix, IP address or CIDR")
    return HostList(frozenset(names), tuple(suffixes), tuple(networks))


def _embedded_ipv4(address: ipaddress.IPv6Address) -> ipaddress.IPv4Address | None:
    if address.ipv4_mapped is not None:
        return address.ipv4_mapped
    if address in _NAT64:
        return ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)
    if address.sixtofour is not None:
        return address.sixtofour
    if address.teredo is not None:
        return address.teredo[1]
    return None


def why_refused(address: IPAddress) -> str | None:
    """The reason the default rules refuse `address`, or None if it is public."""
    if isinstance(address, ipaddress.IPv6Address):
        embedded = _embedded_ipv4(address)
        if embedded is not None:
            reason = why_refused(embedded)
            return f"it embeds {embedded}, {reason}" if reason else None
        if any(address in n for n in _METADATA):
            return "a cloud metadata address"
    if address.is_loopback:
        return "a loopback address"
    if address.is_link_local:
        return "a link-local address (cloud metadata lives there)"
    if address.is_multicast:
        return "a multicast address"
    if address.is_unspecified:
        return "an unspecified address"
    if isinstance(address, ipaddress.IPv4Address) and address in _SHARED:
        return "a shared (carrier-grade NAT) address"
    if address.is_reserved:
        return "a reserved address"
    if address.is_private:
        return "a private address"
    if not address.is_global:
        return "a reserved address"
    return None


@dataclass(frozen=True, slots=True)
class AddressPolicy:
    allow: HostList
    deny: HostList

    @classmethod
    def from_lists(cls, allow: Iterable[str], deny: Iterable[str]) -> AddressPolicy:
        return cls(parse_host_list(allow), parse_host_list(deny))

    def check_name(self, host: str) -> None:
        """Refuses a host name on the deny list (before any DNS lookup)."""
        if self.deny.matches_name(host):
            raise Refused(f"{host} is on the deny list (FETCH_DENY_HOSTS)")

    def check_address(self, host: str, address: IPAddress) -> None:
        """Refuses `address` (which `host` resolved to) unless the rules allow it."""
        if self.deny.matches_address(address):
            raise Refused(f"{host} resolves to {address}, which is on the deny list (FETCH_DENY_HOSTS)")
        if self.allow.matches_name(host) or self.allow.matches_address(address):
            return
        reason = why_refused(address)
        if reason is not None:
            shown = host if host == str(address) else f"{host} resolves to {address}"
            raise Refused(f"{shown}, {reason}; code blocks may only reach public addresses")
