"""Which addresses a harvest may contact, and file names made safe from URLs.

A harvest list can come from anywhere, so a URL is untrusted: only http(s), and never an address inside
this machine's networks (private, loopback, link-local, multicast, reserved).  The check runs on every
address a host name resolves to, at connection time (so a DNS answer that changes between the check and
the connect cannot slip through) and again for every redirect hop.
"""
from __future__ import annotations

import ipaddress
import re
import socket
import unicodedata
from urllib.parse import unquote, urlsplit

SCHEMES = ("http", "https")


class UnsafeAddress(Exception):
    """The URL or an address it resolves to must not be contacted; the message says why."""


def check_url(url: str) -> str | None:
    """None when the URL's form is acceptable, else the reason it is refused (before any DNS look-up)."""
    try:
        parts = urlsplit(url)
        host = parts.hostname
        port = parts.port
    except ValueError as exc:
        return f"not a valid URL ({exc})"
    if parts.scheme.lower() not in SCHEMES:
        return f"only http and https addresses are harvested, not '{parts.scheme or '(none)'}:'"
    if not host:
        return "the URL names no host"
    if parts.username is not None or parts.password is not None:
        return "the URL carries a user name or password; remove them"
    if port is not None and not 0 < port < 65536:
        return f"port {port} is not a valid port"
    return None


def address_problem(ip: str, allow_loopback: bool = False) -> str | None:
    """None when `ip` is a public address, else why it is refused."""
    addr = ipaddress.ip_address(ip.split("%", 1)[0])
    if isinstance(addr, ipaddress.IPv6Address) and addr.ipv4_mapped is not None:
        addr = addr.ipv4_mapped
    if addr.is_loopback:
        return None if allow_loopback else "a loopback address (this machine)"
    for test, what in ((addr.is_link_local, "a link-local"), (addr.is_multicast, "a multicast"),
                       (addr.is_unspecified, "an unspecified"), (addr.is_reserved, "a reserved"),
                       (addr.is_private, "a private")):
        if test:
            return f"{what} address, not a public one"
    if not addr.is_global:
        return "not a public address"
    return None


def resolve(host: str, port: int, allow_loopback: bool = False) -> list[tuple]:
    """getaddrinfo results for host:port, every one checked; raises UnsafeAddress if any is refused.

    Refusing the whole host when one of its addresses is private is deliberate: a name that mixes public
    and private answers is the shape of a DNS rebinding attempt."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except socket.gaierror as exc:
        raise OSError(f"DNS look-up of {host} failed ({exc.strerror or exc})") from exc
    for info in infos:
        problem = address_problem(info[4][0], allow_loopback)
        if problem:
            raise UnsafeAddress(f"{host} is {problem}; refused" if host == info[4][0].split("%", 1)[0]
                                else f"{host} resolves to {info[4][0]}, {problem}; refused")
    return infos


_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")


def safe_name(text: str, limit: int = 60) -> str:
    """ASCII letters, digits, '.', '_' and '-' only; no leading dot or dash, no '..', at most `limit` chars.

    Used for every piece of a file name taken from a URL, so a name can never climb out of reports/,
    hide itself, or carry characters a file system or a shell treats specially."""
    text = unicodedata.normalize("NFKC", unquote(text))
    text = _UNSAFE.sub("-", text)
    text = re.sub(r"\.{2,}", ".", text)
    text = re.sub(r"-{2,}", "-", text).strip(".-_")
    return text[:limit].rstrip(".-_")


def relative_part(path: str) -> bool:
    """True when `path` (from a sidecar) is a plain relative path inside the reports folder."""
    return bool(path) and not path.startswith(("/", "\\")) and ".." not in re.split(r"[/\\]", path) \
        and ":" not in path
