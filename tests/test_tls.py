"""Feeds over https: certificates are verified against the CA certificates tracker is given
(SSL_CERT_FILE here, a self-signed one made for the test), and a certificate that does not
verify, or CA certificates that cannot be read, fail that feed in words, not the poll."""

from __future__ import annotations

import json
import shutil
import ssl
import subprocess

import pytest

from tracker.cli import main
from tracker.feedgen import FeedItem, rss
from tests.support.feedserver import FeedServer

from .conftest import write_config

pytestmark = pytest.mark.skipif(shutil.which("openssl") is None, reason="needs the openssl command")
ITEMS = [FeedItem("Anthropic and the Pentagon: talks resume", link="https://news.test/1", guid="1")]


def certificate(tmp_path, name: str) -> tuple[str, str]:
    """A self-signed certificate for 127.0.0.1 -> (certificate file, key file)."""
    cert, key = tmp_path / f"{name}.pem", tmp_path / f"{name}.key"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",
                    "-nodes", "-keyout", str(key), "-out", str(cert), "-days", "2", "-subj", f"/CN={name}",
                    "-addext", "subjectAltName=IP:127.0.0.1"], check=True, capture_output=True)
    return str(cert), str(key)


@pytest.fixture
def https(tmp_path):
    cert, key = certificate(tmp_path, "feeds")
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    with FeedServer(tls=context) as server:
        server.set_feed("/f.xml", rss(ITEMS))
        yield server, cert


def poll_and_report(tmp_path, capsys, feeds) -> dict:
    config = write_config(tmp_path, feeds)
    assert main(["--config", str(config), "poll", "-q"]) == 0
    capsys.readouterr()
    assert main(["--config", str(config), "feeds", "--json"]) == 0
    return {f["name"]: f for f in json.loads(capsys.readouterr().out)}


def test_a_feed_whose_certificate_verifies_is_read(tmp_path, capsys, monkeypatch, https):
    server, cert = https
    monkeypatch.setenv("SSL_CERT_FILE", cert)
    feeds = poll_and_report(tmp_path, capsys, [("Secure", server.url("/f.xml"))])
    assert server.url("/f.xml").startswith("https://")
    assert feeds["Secure"]["failures"] == 0 and feeds["Secure"]["items"] == 1


def test_a_certificate_that_does_not_verify_fails_that_feed_only(tmp_path, capsys, monkeypatch, https):
    server, _ = https
    other, _ = certificate(tmp_path, "someone-else")
    monkeypatch.setenv("SSL_CERT_FILE", other)
    with FeedServer() as plain:
        plain.set_feed("/f.xml", rss(ITEMS))
        feeds = poll_and_report(tmp_path, capsys, [("Secure", server.url("/f.xml")), ("Plain", plain.url("/f.xml"))])
    assert feeds["Secure"]["failures"] == 1 and feeds["Secure"]["items"] == 0
    assert "certificate verify failed" in feeds["Secure"]["last_error"]
    assert feeds["Plain"]["failures"] == 0 and feeds["Plain"]["items"] == 1


def test_unreadable_ca_certificates_fail_https_feeds_in_words_and_spare_http_ones(tmp_path, capsys, monkeypatch,
                                                                                  https):
    server, _ = https
    monkeypatch.setenv("SSL_CERT_FILE", str(tmp_path / "missing.pem"))
    with FeedServer() as plain:
        plain.set_feed("/f.xml", rss(ITEMS))
        feeds = poll_and_report(tmp_path, capsys, [("Secure", server.url("/f.xml")), ("Plain", plain.url("/f.xml"))])
    assert feeds["Plain"]["failures"] == 0 and feeds["Plain"]["items"] == 1
    assert feeds["Secure"]["failures"] == 1
    assert f"cannot read the CA certificates in {tmp_path / 'missing.pem'}" in feeds["Secure"]["last_error"]
