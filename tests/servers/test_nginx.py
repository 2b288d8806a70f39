"""The README's nginx recipe, copied into a real nginx on a loopback port in front of gunicorn:
a foreign value in every X-Forwarded-* header, sent to every public page, shows in no answer and
in no page kept for the next visitor; and nginx's access log holds no private link."""
import http.client
import os
import re
import shutil
import subprocess
import time

import pytest

from tests.live import ROOT, free_port, gunicorn
from tests.security.conftest import network_fillings, peers  # noqa: F401  (the fixtures)
from tests.security.forwarded import FOREIGN, foreign_in, public_pages

pytestmark = pytest.mark.slow
NGINX = shutil.which("nginx") or next((path for path in ("/usr/sbin/nginx",) if os.path.exists(path)), None)
SERVER_BLOCK = "# In the server block"


def readme_recipe():
    """The nginx block under "Behind a proxy", as (http-level part, server-level part)."""
    readme = (ROOT / "README.md").read_text()
    section = readme[readme.index("### Behind a proxy"):]
    recipe = re.search(r"```nginx\n(.*?)```", section, re.S).group(1)
    http_part, _, server_part = recipe.partition(SERVER_BLOCK)
    assert server_part, f"the README's recipe lost its {SERVER_BLOCK!r} line"
    return http_part, server_part.split("\n", 1)[1]


def nginx_conf(folder, port, upstream):
    """A whole nginx.conf around the recipe; only the upstream port and the log's path change."""
    http_part, server_part = readme_recipe()
    server_part = server_part.replace("127.0.0.1:8000", f"127.0.0.1:{upstream}")
    server_part = server_part.replace("/var/log/nginx/pantry.access.log", str(folder / "access.log"))
    temp = "\n".join(f"    {name}_temp_path {folder / name};" for name in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"))
    return f"""worker_processes 1;
pid {folder / 'nginx.pid'};
error_log {folder / 'error.log'} warn;
events {{ worker_connections 64; }}
http {{
{temp}
{http_part}
    server {{
        listen 127.0.0.1:{port};
{server_part}
    }}
}}
"""


@pytest.fixture(scope="module")
def nginx_in_front(database_url, schema, tmp_path_factory):
    """gunicorn (one worker, so one page cache, the page cache on) behind nginx: nginx's port."""
    if NGINX is None:
        if os.environ.get("CI"):
            pytest.fail("nginx is missing: CI must run this test (.ci/run installs it)")
        pytest.skip("nginx is not installed (apt-get install nginx)")
    folder = tmp_path_factory.mktemp("nginx")
    with gunicorn(database_url, workers=1, threads=2, PROXIES=1, PAGE_CACHE_SECONDS=30,
                  BASE_URL="https://pantry.example") as upstream:
        port = free_port()
        (folder / "nginx.conf").write_text(nginx_conf(folder, port, upstream))
        server = subprocess.Popen([NGINX, "-p", str(folder), "-c", str(folder / "nginx.conf"), "-g", "daemon off;"])
        try:
            _wait_for(port, server, folder)
            yield port, folder
        finally:
            server.terminate()
            server.wait(timeout=10)


def _wait_for(port, server, folder, timeout=10):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError("nginx exited: " + (folder / "error.log").read_text())
        try:
            get(port, "/sw.js")
            return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError("nginx did not start listening")


def get(port, path, headers=None):
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        connection.request("GET", path, headers=headers or {})
        answer = connection.getresponse()
        return answer.status, answer.getheaders(), answer.read()
    finally:
        connection.close()


def test_the_readme_recipe_lets_no_forwarded_header_through(nginx_in_front, app, network, network_fillings):
    port, _folder = nginx_in_front
    problems = []
    for path in public_pages(app, network_fillings):
        for who, headers in (("foreign", FOREIGN), ("clean", {})):
            status, answer_headers, body = get(port, path, headers)
            assert status < 500, f"{who} GET {path}: {status}"
            problems += [f"{who} GET {path}: {found}" for found in foreign_in(answer_headers, body)]
    assert not problems, "\n".join(problems)
    # The recipe's own headers are believed: the page came over the proxy, from the phone's address.
    status, _headers, body = get(port, "/")
    assert status == 200 and b"/static/pantry" in body


def test_the_proxy_access_log_holds_no_private_link(nginx_in_front, app, network):
    port, folder = nginx_in_front
    for path in (f"/sign-ups/{network.manage_token}", f"/sign-ups/{network.manage_token}/shift.ics",
                 f"/admin/welcome/{network.invitation_token}"):
        status, _headers, _body = get(port, path)
        assert status == 200, path
    time.sleep(0.2)  # nginx writes its log line as the answer ends
    log = (folder / "access.log").read_text()
    assert "/sign-ups/[token]" in log and "/sign-ups/[token]/shift.ics" in log and "/admin/welcome/[token]" in log
    assert network.manage_token not in log and network.invitation_token not in log
