"""Fixtures of the harvest tests: the loopback server, and a harvest that may talk to it."""
from __future__ import annotations

import ipaddress
import socket

import pytest

from gongkai.harvest.fetch import Settings

from .server import Server


@pytest.fixture
def server():
    with Server() as srv:
        yield srv


@pytest.fixture
def settings():
    """Fast and loopback-only: no pacing, short timeouts and back-off, the test switch for 127.0.0.1."""
    return Settings(interval=0.0, timeout=2.0, deadline=20.0, backoff=0.01, retries=2, allow_loopback=True)


@pytest.fixture(autouse=True)
def loopback_only(monkeypatch):
    """The harvest tests may resolve and connect to loopback only: any other address fails the test."""
    real = socket.getaddrinfo

    def guarded(host, *args, **kwargs):
        try:
            ipaddress.ip_address(host)  # a number is not looked up; the harvest itself then judges it
        except ValueError:
            if host != "localhost":
                raise AssertionError(f"a harvest test tried to resolve {host!r}") from None
        return real(host, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", guarded)
