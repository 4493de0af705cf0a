"""The HTTP client against the loopback server: statuses, retries, redirects, limits, robots.txt."""
from __future__ import annotations

import email.utils
import gzip
import socket
import time

import pytest

from gongkai.harvest.fetch import USER_AGENT, FetchError, Fetcher, HostClock, retry_after

from .server import Answer


def fetcher(settings, sleeps=None):
    return Fetcher(settings, sleep=(sleeps.append if sleeps is not None else time.sleep))


def test_404_is_gone(server, settings):
    with fetcher(settings) as f, pytest.raises(FetchError) as err:
        f.get(server.url("/missing"))
    assert err.value.kind == "gone" and err.value.status == 404 and "404" in err.value.reason
    assert server.hits("/missing") == 1  # a 404 is not retried


def test_500_then_200_is_retried(server, settings):
    server.routes["/flaky"] = [Answer(500, b"oops"), Answer(200, b"report text")]
    with fetcher(settings) as f:
        r = f.get(server.url("/flaky"))
        assert r.status == 200 and r.read() == b"report text"
        r.discard()
    assert server.hits("/flaky") == 2


def test_500_forever_gives_up_with_the_number_of_attempts(server, settings):
    server.routes["/down"] = Answer(503, b"busy")
    with fetcher(settings) as f, pytest.raises(FetchError) as err:
        f.get(server.url("/down"))
    assert server.hits("/down") == settings.retries + 1
    assert "503" in err.value.reason and "gave up after 3 attempts" in err.value.reason


def test_429_waits_as_long_as_retry_after_says(server, settings):
    server.routes["/busy"] = [Answer(429, b"slow down", {"Retry-After": "7"}), Answer(200, b"ok")]
    sleeps = []
    with fetcher(settings, sleeps) as f:
        r = f.get(server.url("/busy"))
        r.discard()
    assert r.status == 200 and sleeps == [7.0]


def test_retry_after_as_an_http_date():
    now = time.time()
    assert retry_after(email.utils.formatdate(now + 30, usegmt=True), now) == pytest.approx(30, abs=1)
    assert retry_after("soon") is None and retry_after(None) is None


def test_retry_after_beyond_the_limit_is_not_waited_for(server, settings):
    server.routes["/later"] = Answer(429, b"", {"Retry-After": "3600"})
    sleeps = []
    with fetcher(settings, sleeps) as f, pytest.raises(FetchError) as err:
        f.get(server.url("/later"))
    assert sleeps == [] and "3600 s" in err.value.reason and "try again later" in err.value.reason


def test_redirect_chain_records_the_final_url(server, settings):
    server.routes["/a"] = Answer(301, headers={"Location": "/b"})
    server.routes["/b"] = Answer(302, headers={"Location": server.url("/c")})
    server.routes["/c"] = Answer(200, b"here")
    with fetcher(settings) as f:
        r = f.get(server.url("/a"))
        r.discard()
    assert r.url == server.url("/a") and r.final_url == server.url("/c")
    assert r.chain == [server.url("/a"), server.url("/b"), server.url("/c")]


def test_redirect_loop_is_reported(server, settings):
    server.routes["/x"] = Answer(302, headers={"Location": "/y"})
    server.routes["/y"] = Answer(302, headers={"Location": "/x"})
    with fetcher(settings) as f, pytest.raises(FetchError) as err:
        f.get(server.url("/x"))
    assert "redirect loop" in err.value.reason
    assert server.hits("/x") == 1 and server.hits("/y") == 1


@pytest.mark.parametrize("target", ["http://10.0.0.7/report.pdf", "http://169.254.169.254/latest/meta-data/",
                                    "http://192.168.1.1/", "http://[::ffff:172.16.0.1]/x", "ftp://127.0.0.1/x",
                                    "file:///etc/passwd"])
def test_redirect_to_a_private_address_or_other_scheme_is_refused(server, settings, target):
    server.routes["/r"] = Answer(302, headers={"Location": target})
    with fetcher(settings) as f, pytest.raises(FetchError) as err:
        f.get(server.url("/r"))
    assert err.value.kind == "refused" and "refused" in err.value.reason


def test_loopback_is_refused_without_the_test_switch(server, settings):
    settings.allow_loopback = False
    server.routes["/page"] = Answer(200, b"x")
    with fetcher(settings) as f, pytest.raises(FetchError) as err:
        f.get(server.url("/page"))
    assert err.value.kind == "refused" and "loopback" in err.value.reason
    assert server.log == []  # not even robots.txt was asked for


def test_a_host_resolving_to_a_private_address_is_refused(server, settings, monkeypatch):
    monkeypatch.setattr(socket, "getaddrinfo",
                        lambda host, port, *a, **k: [(socket.AF_INET, socket.SOCK_STREAM, 6, "", ("10.1.2.3", port))])
    with fetcher(settings) as f, pytest.raises(FetchError) as err:
        f.get("http://intranet.example.gov.cn/report.html")
    assert err.value.kind == "refused" and "10.1.2.3" in err.value.reason


def test_a_server_too_slow_to_answer_times_out(server, settings):
    settings.timeout, settings.retries = 0.3, 1
    server.routes["/slow"] = Answer(200, b"late", delay=1.5)
    with fetcher(settings) as f, pytest.raises(FetchError) as err:
        f.get(server.url("/slow"))
    assert "no answer within 0.3 s" in err.value.reason
    assert server.hits("/slow") == 2  # a timeout is retried


def test_a_body_over_the_limit_is_refused_and_leaves_no_file(server, settings, tmp_path):
    settings.max_bytes = 1000
    server.routes["/big"] = Answer(200, b"x" * 5000)
    with Fetcher(settings, temp_dir=tmp_path) as f, pytest.raises(FetchError) as err:
        f.get(server.url("/big"))
    assert err.value.kind == "refused" and "over the limit of 1,000 bytes" in err.value.reason
    assert list(tmp_path.iterdir()) == []


def test_gzip_is_decoded_and_its_decoded_size_meets_the_limit(server, settings, tmp_path):
    text = "政府信息公开工作年度报告\n".encode() * 200
    server.routes["/gz"] = Answer(200, text, {"Content-Type": "text/plain"}, gzip=True)
    with Fetcher(settings, temp_dir=tmp_path) as f:
        r = f.get(server.url("/gz"))
        assert r.read() == text and r.size == len(text)
        r.discard()
        assert len(gzip.compress(text)) < 1000 < len(text)
        f.settings.max_bytes = 1000  # small on the wire, too big once inflated: a gzip bomb stops here
        with pytest.raises(FetchError):
            f.get(server.url("/gz"))
    assert list(tmp_path.iterdir()) == []


def test_robots_txt_disallowing_the_path_is_obeyed(server, settings):
    server.routes["/robots.txt"] = Answer(200, b"User-agent: *\nDisallow: /private/\n")
    server.routes["/private/report.pdf"] = Answer(200, b"%PDF-1.4")
    server.routes["/public/report.txt"] = Answer(200, b"ok")
    with fetcher(settings) as f:
        with pytest.raises(FetchError) as err:
            f.get(server.url("/private/report.pdf"))
        f.get(server.url("/public/report.txt")).discard()
    assert err.value.kind == "refused" and "robots.txt disallows" in err.value.reason
    assert server.hits("/private/report.pdf") == 0 and server.hits("/robots.txt") == 1


def test_robots_txt_that_cannot_be_read_stops_the_host(server, settings):
    server.routes["/robots.txt"] = Answer(503, b"")
    server.routes["/page"] = Answer(200, b"ok")
    with fetcher(settings) as f, pytest.raises(FetchError) as err:
        f.get(server.url("/page"))
    assert "robots.txt could not be read" in err.value.reason and server.hits("/page") == 0


def test_user_agent_names_the_project(server, settings):
    server.routes["/p"] = Answer(200, b"ok")
    with fetcher(settings) as f:
        f.get(server.url("/p")).discard()
    assert {h["user-agent"] for _, h in server.log} == {USER_AGENT}
    assert "Gongkai" in USER_AGENT


def test_conditional_request_gets_304(server, settings):
    def answer(h):
        if h.headers.get("If-None-Match") == '"v1"':
            return Answer(304)
        return Answer(200, b"body", {"ETag": '"v1"'})
    server.routes["/c"] = answer
    with fetcher(settings) as f:
        first = f.get(server.url("/c"))
        first.discard()
        again = f.get(server.url("/c"), {"If-None-Match": first.headers["etag"]})
    assert first.status == 200 and again.status == 304 and again.temp is None


def test_host_clock_spaces_requests_per_host_not_across_hosts():
    now = [100.0]
    slept = []

    def sleep(s):
        slept.append(s)

    clock = HostClock(1.0, sleep=sleep, clock=lambda: now[0])
    for _ in range(3):
        clock.wait("a.gov.cn")
    clock.wait("b.gov.cn")
    assert slept == [1.0, 2.0]  # the 2nd and 3rd request to a.gov.cn wait their turn; b.gov.cn does not
    clock.slow_down("c.gov.cn", 5.0)
    clock.wait("c.gov.cn")
    clock.wait("c.gov.cn")
    assert slept[-1] == 5.0


def test_crawl_delay_of_robots_txt_slows_the_host(server, settings):
    server.routes["/robots.txt"] = Answer(200, b"User-agent: *\nCrawl-delay: 4\n")
    server.routes["/p"] = Answer(200, b"ok")
    sleeps = []
    with fetcher(settings, sleeps) as f:
        f.get(server.url("/p")).discard()
        f.get(server.url("/p")).discard()
    assert sleeps and max(sleeps) == pytest.approx(4.0, abs=0.5)
