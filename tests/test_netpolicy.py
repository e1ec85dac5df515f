"""The SSRF policy on its own, and the connection backend that enforces it: every
resolved address is checked, and the connection goes to the checked address."""

from __future__ import annotations

import asyncio
import ipaddress
import re
import socket
from typing import Any

import httpcore
import pytest

from flow_codeblock.netpolicy import AddressPolicy, Refused, parse_host_list, why_refused
from flow_codeblock.outbound import GuardedBackend

PUBLIC = ["8.8.8.8", "1.1.1.1", "93.184.215.14", "2606:4700:4700::1111", "2001:4860:4860::8888"]
REFUSED = {
    "127.0.0.1": "loopback", "127.255.255.254": "loopback", "::1": "loopback",
    "10.1.2.3": "private", "172.31.255.255": "private", "192.168.0.1": "private", "fd12:3456::1": "private",
    "fc00::1": "private",
    "169.254.169.254": "link-local", "fe80::abcd": "link-local",
    "100.100.100.200": "shared",  # Alibaba Cloud metadata, in the CGNAT range
    "fd00:ec2::254": "cloud metadata",
    "0.0.0.0": "unspecified", "::": "unspecified",
    "224.0.0.251": "multicast", "ff02::1": "multicast",
    "240.0.0.1": "reserved", "255.255.255.255": "reserved", "192.0.2.1": "private",
    "::ffff:127.0.0.1": "embeds 127.0.0.1", "::ffff:10.0.0.1": "embeds 10.0.0.1",
    "64:ff9b::a9fe:a9fe": "embeds 169.254.169.254", "2002:7f00:1::": "embeds 127.0.0.1",
}


@pytest.mark.parametrize("address", PUBLIC)
def test_public_addresses_pass(address: str) -> None:
    assert why_refused(ipaddress.ip_address(address)) is None


@pytest.mark.parametrize(("address", "reason"), REFUSED.items())
def test_non_public_addresses_are_refused(address: str, reason: str) -> None:
    found = why_refused(ipaddress.ip_address(address))
    assert found is not None and reason in found, found


def test_allow_and_deny_lists() -> None:
    policy = AddressPolicy.from_lists(["10.0.0.0/8", "*.corp.internal", "db.local"], ["10.9.9.9", "evil.com"])
    policy.check_address("api.corp.internal", ipaddress.ip_address("192.168.1.5"))  # allowed by name
    policy.check_address("x", ipaddress.ip_address("10.1.1.1"))  # allowed by CIDR
    with pytest.raises(Refused, match="deny list"):
        policy.check_address("x", ipaddress.ip_address("10.9.9.9"))  # deny wins
    with pytest.raises(Refused, match=r"EVIL\.com\. is on the deny list"):
        policy.check_name("EVIL.com.")
    with pytest.raises(Refused, match="a private address"):
        policy.check_address("other.local", ipaddress.ip_address("172.16.0.1"))


@pytest.mark.parametrize("entry", ["not a host", "http://x.com", "a/b", "10.0.0.0/33"])
def test_bad_list_entries_are_named(entry: str) -> None:
    with pytest.raises(ValueError, match="is not a host name"):
        parse_host_list(["ok.example", entry])


class RecordingBackend(httpcore.AsyncNetworkBackend):
    def __init__(self) -> None:
        self.connected: list[tuple[str, int]] = []

    async def connect_tcp(self, host: str, port: int, **kwargs: Any) -> httpcore.AsyncNetworkStream:
        self.connected.append((host, port))
        raise httpcore.ConnectError("recorded")


def _fake_dns(monkeypatch: pytest.MonkeyPatch, answers: dict[str, list[str]]) -> None:
    async def getaddrinfo(host: str, port: int, **kwargs: Any) -> list[Any]:
        if host not in answers:
            raise socket.gaierror(socket.EAI_NONAME, "not found")
        return [(socket.AF_INET6 if ":" in a else socket.AF_INET, socket.SOCK_STREAM, 6, "", (a, port))
                for a in answers[host]]

    monkeypatch.setattr(asyncio.get_event_loop_policy().get_event_loop().__class__, "getaddrinfo",
                        lambda self, host, port, **kw: getaddrinfo(host, port, **kw))


async def test_backend_connects_to_the_checked_address(monkeypatch: pytest.MonkeyPatch) -> None:
    _fake_dns(monkeypatch, {"service.example": ["93.184.215.14"]})
    backend = GuardedBackend(AddressPolicy.from_lists([], []))
    inner = RecordingBackend()
    backend._inner = inner  # type: ignore[assignment]
    with pytest.raises(httpcore.ConnectError):
        await backend.connect_tcp("service.example", 443)
    # The IP that was checked, not the name: a second DNS answer cannot be used.
    assert inner.connected == [("93.184.215.14", 443)]


async def test_any_refused_answer_refuses_the_host(monkeypatch: pytest.MonkeyPatch) -> None:
    # A rebinding-style answer mixing a public and a private address.
    _fake_dns(monkeypatch, {"rebind.example": ["93.184.215.14", "10.0.0.7"]})
    backend = GuardedBackend(AddressPolicy.from_lists([], []))
    inner = RecordingBackend()
    backend._inner = inner  # type: ignore[assignment]
    with pytest.raises(Refused, match=re.escape("rebind.example resolves to 10.0.0.7, a private address")):
        await backend.connect_tcp("rebind.example", 80)
    assert inner.connected == []


async def test_unknown_host_is_a_connect_error(monkeypatch: pytest.MonkeyPatch) -> None:
    _fake_dns(monkeypatch, {})
    backend = GuardedBackend(AddressPolicy.from_lists([], []))
    with pytest.raises(httpcore.ConnectError, match=re.escape("getaddrinfo ENOTFOUND nowhere.invalid")):
        await backend.connect_tcp("nowhere.invalid", 80)
