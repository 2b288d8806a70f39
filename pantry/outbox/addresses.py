"""Where the outbox may send: a webhook URL must be http(s) to a public address. A URL naming a
private, loopback or link-local address (or a host that resolves to one) is refused, so a
webhook cannot reach into the server's own network; a setting lets tests use loopback."""
import ipaddress
import socket
from urllib.parse import urlsplit

from flask_babel import lazy_gettext as _l

from pantry.refusals import Refusal


class BadWebhookUrl(Refusal):
    code = "bad_webhook_url"
    status = 422
    field = "url"
    message = _l("Enter a web address starting with https:// (or http://) on the public internet.")


def check_url(url, *, allow_loopback=False):
    """The URL when it may be posted to; raises BadWebhookUrl otherwise."""
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        raise BadWebhookUrl() from None
    if parts.scheme not in ("http", "https") or not parts.hostname or parts.username or len(url) > 500:
        raise BadWebhookUrl()
    try:
        found = socket.getaddrinfo(parts.hostname, port or 443, proto=socket.IPPROTO_TCP)
    except (socket.gaierror, UnicodeError):
        raise BadWebhookUrl() from None
    for *_, address in found:
        if not _public(ipaddress.ip_address(address[0].split("%")[0]), allow_loopback):
            raise BadWebhookUrl()
    return url


def _public(ip, allow_loopback):
    if ip.is_loopback:
        return allow_loopback
    return not (ip.is_private or ip.is_link_local or ip.is_multicast or ip.is_reserved or ip.is_unspecified)
