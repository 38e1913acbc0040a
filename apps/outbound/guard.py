"""The guard against requests to our own network: a receiver URL must be http(s) and every address its host
resolves to must be public, unless the host is listed in OUTBOUND_ALLOWED_HOSTS. The transport checks the
address it actually connected to as well, so a DNS answer that changes between the check and the connection
(DNS rebinding) is caught too."""

from __future__ import annotations

import ipaddress
import socket
from urllib.parse import urlsplit

from django.conf import settings

# Cloud metadata services that sit on ordinary-looking addresses (the link-local 169.254.169.254 is caught by
# the link-local rule; these are the others).
METADATA_ADDRESSES = frozenset({"fd00:ec2::254", "100.100.100.200"})
METADATA_HOSTS = frozenset({"metadata.google.internal", "metadata"})


class UnsafeUrl(ValueError):
    """The URL is malformed or points at an address we refuse to call; the message says which and why."""


def host_allowed(host: str) -> bool:
    """Listed in OUTBOUND_ALLOWED_HOSTS (exact host names or addresses, case-insensitive)."""
    return host.lower().strip("[]") in {name.lower().strip("[]") for name in settings.OUTBOUND_ALLOWED_HOSTS}


def address_problem(address: str) -> str:
    """Why an IP address may not be called ('' when it is public)."""
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped:
        ip = ip.ipv4_mapped
    if str(ip) in METADATA_ADDRESSES:
        return "a cloud metadata address"
    if ip.is_loopback:
        return "a loopback address"
    if ip.is_link_local:
        return "a link-local address"
    if ip.is_private or ip.is_reserved or ip.is_multicast or ip.is_unspecified or not ip.is_global:
        return "a private or reserved address"
    return ""


def split_url(url: str) -> tuple[str, str, int]:
    """(scheme, host, port) of a receiver URL, or UnsafeUrl saying what is wrong with it."""
    try:
        parts = urlsplit(url.strip())
        port = parts.port
    except ValueError as exc:
        raise UnsafeUrl(f"Not a valid URL: {exc}.") from None
    if parts.scheme not in ("http", "https"):
        raise UnsafeUrl("The URL must start with https:// (or http://).")
    if not parts.hostname:
        raise UnsafeUrl("The URL has no host name.")
    if parts.username or parts.password:
        raise UnsafeUrl("Put credentials in a header or the URL's path, not before the host name.")
    return parts.scheme, parts.hostname, port or (443 if parts.scheme == "https" else 80)


def check_url(url: str, *, resolve: bool = True) -> None:
    """Raise UnsafeUrl unless the URL is well formed and its host resolves only to public addresses
    (or is listed in OUTBOUND_ALLOWED_HOSTS)."""
    _scheme, host, port = split_url(url)
    if host_allowed(host):
        return
    if host.lower() in METADATA_HOSTS:
        raise UnsafeUrl(f"{host} is a cloud metadata service; it is never called.")
    try:
        literal = ipaddress.ip_address(host)
    except ValueError:
        literal = None
    if literal is not None:
        addresses = [str(literal)]
    elif not resolve:
        return
    else:
        try:
            addresses = sorted({str(info[4][0]) for info in socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)})
        except OSError as exc:
            raise UnsafeUrl(f"{host} does not resolve ({exc.strerror or exc}).") from None
    for address in addresses:
        problem = address_problem(str(address))
        if problem:
            where = f"{host} is" if literal is not None else f"{host} resolves to {address},"
            raise UnsafeUrl(
                f"{where} {problem}: refused. "
                "If this receiver is meant to be inside your network, list the host in OUTBOUND_ALLOWED_HOSTS."
            )
