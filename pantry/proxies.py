"""Which of a reverse proxy's headers Pantry believes, and only values that can be true.

Behind PROXIES proxies, X-Forwarded-For (the phone's address, for the rate limits) and
X-Forwarded-Proto (https) are believed by default. X-Forwarded-Host, -Prefix and -Port change
the links on every page, and a page may be kept and served to the next visitors
(pantry.pages), so they are believed only when FORWARDED_HEADERS names them. Every
other X-Forwarded-* header is removed before the app sees the request, and a believed one
whose value cannot be true (a "protocol" that is not http or https, an "address" that is not
one) is removed too."""
import ipaddress

from werkzeug.middleware.proxy_fix import ProxyFix

BELIEVABLE = ("For", "Proto", "Host", "Prefix", "Port")
PROTOCOLS = {"http", "https"}


def environ_name(header):
    return "HTTP_X_FORWARDED_" + header.upper()


class ForwardedHeaders:
    """WSGI middleware: the believed forwarded headers, checked, then werkzeug's ProxyFix."""

    def __init__(self, app, proxies, believed=("For", "Proto")):
        unknown = set(believed) - set(BELIEVABLE)
        if unknown:
            raise ValueError(f"FORWARDED_HEADERS may name {', '.join(BELIEVABLE)}; not {', '.join(sorted(unknown))}")
        self.proxies = proxies
        self.believed = {environ_name(header) for header in believed} if proxies else set()
        trusted = {header: proxies if header in believed else 0 for header in BELIEVABLE}
        self.app = ProxyFix(app, x_for=trusted["For"], x_proto=trusted["Proto"], x_host=trusted["Host"],
                            x_prefix=trusted["Prefix"], x_port=trusted["Port"]) if proxies else app

    def __call__(self, environ, start_response):
        for name in [name for name in environ if name.startswith("HTTP_X_FORWARDED_")]:
            if name not in self.believed or not self._can_be_true(name, environ[name]):
                del environ[name]
        return self.app(environ, start_response)

    def _can_be_true(self, name, value):
        """The value ProxyFix would take (the one our nearest trusted proxy set) is possible."""
        values = [part.strip() for part in value.split(",")]
        if len(values) < self.proxies:
            return True  # ProxyFix ignores it
        taken = values[-self.proxies]
        if name == environ_name("For"):
            return _is_address(taken)
        if name == environ_name("Proto"):
            return taken in PROTOCOLS
        if name == environ_name("Port"):
            return taken.isascii() and taken.isdigit() and 0 < int(taken) < 65536
        return True


def _is_address(text):
    try:
        ipaddress.ip_address(text)
    except ValueError:
        return False
    return True
