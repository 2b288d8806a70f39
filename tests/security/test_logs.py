"""No private link reaches a log: the app's own error log (Flask writes the path of a request
that failed) and the servers' access logs write the token as [token]."""
import logging

import pytest

from pantry.shifts import signups


def test_a_failed_request_on_a_private_link_logs_no_token(app, client, network, monkeypatch, caplog):
    app.config["PROPAGATE_EXCEPTIONS"] = False

    def broken(*args, **kwargs):
        raise RuntimeError("a bug")

    monkeypatch.setattr(signups, "find_sign_up", broken)
    with caplog.at_level(logging.INFO):
        assert client.get(f"/sign-ups/{network.manage_token}").status_code == 500
    written = "\n".join(record.getMessage() for record in caplog.records)
    assert "/sign-ups/[token]" in written
    assert network.manage_token not in caplog.text


@pytest.mark.parametrize("logger", ["werkzeug", "gunicorn.access", "pantry.mail"])
def test_the_servers_access_logs_write_no_token(app, logger, caplog):
    with caplog.at_level(logging.INFO):
        logging.getLogger(logger).info('"%s %s HTTP/1.1" %s', "GET", "/admin/welcome/SeCrEt-tOkEn_1", 200)
        logging.getLogger(logger).info("%(r)s", {"r": "GET /sign-ups/0123abcd/shift.ics?x=1 HTTP/1.1"})
    assert "SeCrEt" not in caplog.text and "0123abcd" not in caplog.text
    assert "/admin/welcome/[token]" in caplog.text and "/sign-ups/[token]/shift.ics?x=1" in caplog.text
