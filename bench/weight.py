"""What a phone downloads for one page: the HTML and everything it loads, gzip level 6."""
import gzip
import re
import urllib.request
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

BUDGET = 14 * 1024  # about what the first round trip of a new connection carries
TIMEOUT = 10  # seconds to wait for a page (bench/scale.py's big network waits longer)
LOADED = {"script": ("src",), "img": ("src", "srcset"), "source": ("src", "srcset"), "iframe": ("src",),
          "video": ("src", "poster"), "audio": ("src",), "embed": ("src",), "object": ("data",)}
LINKS_LOADED = {"stylesheet", "icon", "shortcut", "apple-touch-icon", "manifest", "preload", "modulepreload"}
CSS_URL = re.compile(r"""url\(\s*['"]?([^'")]+)['"]?\s*\)|@import\s+['"]([^'"]+)['"]""")


@dataclass
class Weight:
    page: int  # gzip bytes of the HTML
    loads: dict = field(default_factory=dict)  # path -> gzip bytes
    foreign: list = field(default_factory=list)  # what it loads from another host (a link to one is no load)

    @property
    def total(self):
        return self.page + sum(self.loads.values())


def weigh(url):
    html = _fetch(url)
    found = _Resources()
    found.feed(html.decode())
    weight = Weight(_gzipped(html))
    host = urlsplit(url).netloc
    queue = [urljoin(url, link) for link in found.loaded if _fetched(link)]
    while queue:
        target = _here(queue.pop(0), url)
        if urlsplit(target).netloc != host:
            weight.foreign.append(target)
            continue
        path = urlsplit(target).path
        if path in weight.loads:
            continue
        body = _fetch(target)
        weight.loads[path] = _gzipped(body)
        if path.endswith(".css"):
            queue += [urljoin(target, a or b) for a, b in CSS_URL.findall(body.decode()) if _fetched(a or b)]
    return weight


class _Resources(HTMLParser):
    """The URLs a browser fetches while loading the page."""

    def __init__(self):
        super().__init__()
        self.loaded = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "link" and LINKS_LOADED & set((attrs.get("rel") or "").lower().split()):
            self.loaded.append(attrs["href"])
        for name in LOADED.get(tag, ()):
            self.loaded += list(_links(name, attrs.get(name)))

    handle_startendtag = handle_starttag


def _here(link, page):
    """A link to the page's own host name on another port is the page's server: the bench serves on a
    free port while the app's absolute links (its BASE_URL) name the host alone."""
    target, served = urlsplit(link), urlsplit(page)
    if target.hostname == served.hostname and target.netloc != served.netloc:
        return target._replace(scheme=served.scheme, netloc=served.netloc).geturl()
    return link


def _links(name, value):
    if not value or name not in {"href", "src", "srcset", "action", "poster", "data", "formaction"}:
        return []
    if name == "srcset":
        return [part.split()[0] for part in value.split(",") if part.strip()]
    return [value]


def _fetched(link):
    """Whether a browser goes to the network for `link`: not for data:, mailto:, tel:, #..."""
    scheme = urlsplit(link.strip()).scheme.lower()
    return scheme in ("", "http", "https") and not link.startswith("#")


def _fetch(url):
    with urllib.request.urlopen(url, timeout=TIMEOUT) as response:
        return response.read()


def _gzipped(body):
    return len(gzip.compress(body, compresslevel=6))
