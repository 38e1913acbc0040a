"""The guard refuses private, loopback, link-local and metadata addresses unless the host is listed."""

import pytest

from apps.outbound.guard import UnsafeUrl, check_url


@pytest.fixture(autouse=True)
def nothing_allowed(settings):
    settings.OUTBOUND_ALLOWED_HOSTS = []


@pytest.mark.parametrize(
    ("url", "words"),
    [
        ("http://127.0.0.1:8000/hook", "loopback"),
        ("http://localhost/hook", "loopback"),  # the name is resolved, not trusted
        ("http://[::1]/hook", "loopback"),
        ("http://[::ffff:127.0.0.1]/hook", "loopback"),
        ("http://10.1.2.3/hook", "private"),
        ("https://192.168.0.10/hook", "private"),
        ("http://172.16.5.5/hook", "private"),
        ("http://169.254.169.254/latest/meta-data/", "link-local"),
        ("http://[fe80::1]/hook", "link-local"),
        ("http://metadata.google.internal/computeMetadata/v1/", "metadata"),
        ("http://100.100.100.200/", "metadata"),
        ("http://0.0.0.0/", "private or reserved"),
    ],
)
def test_addresses_inside_the_network_are_refused_with_the_reason(url, words):
    with pytest.raises(UnsafeUrl, match=words):
        check_url(url)


@pytest.mark.parametrize(
    ("url", "words"),
    [
        ("ftp://example.com/x", "https://"),
        ("not a url", "https://"),
        ("https:///path-only", "no host"),
        ("https://user:secret@example.com/x", "credentials"),
        ("https://example.com:99999/x", "Not a valid URL"),
    ],
)
def test_malformed_urls_are_refused_with_what_to_fix(url, words):
    with pytest.raises(UnsafeUrl, match=words):
        check_url(url)


def test_a_public_address_passes():
    check_url("https://93.184.215.14/hooks/in")


def test_a_listed_host_may_be_private(settings):
    settings.OUTBOUND_ALLOWED_HOSTS = ["10.1.2.3", "n8n.internal"]
    check_url("http://10.1.2.3:5678/webhook/x")
    check_url("http://N8N.internal:5678/webhook/x")  # listed: not even resolved
    with pytest.raises(UnsafeUrl, match="OUTBOUND_ALLOWED_HOSTS"):
        check_url("http://10.1.2.4/")
