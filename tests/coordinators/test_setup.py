"""The first run without the demo: while no coordinator exists, a one-time link (in the server's log and
from `flask pantry setup-link`) names the network and makes its first coordinator, signed in; once one
exists the link is gone (410), and nothing a wrong or reused link sends is written."""
import logging

import pytest
from sqlalchemy import func, select

from pantry.coordinators import setup
from pantry.coordinators.models import Coordinator
from pantry.extensions import db
from pantry.journal import JournalEntry
from pantry.network import Network
from tests.conftest import NOW, PASSWORD, csrf_token

CHOICE = {"network": "  Elm Street   Fridges ", "timezone": "America/Chicago", "language": "es", "name": "Ada",
          "email": "ada@example.org", "password": PASSWORD}


def rows(session):
    session.rollback()
    return tuple(session.scalar(select(func.count()).select_from(model)) for model in (Coordinator, Network,
                                                                                        JournalEntry))


def test_setup_names_the_network_and_makes_the_first_coordinator_once(app, session):
    key, languages = app.secret_key, ("en", "es")
    with pytest.raises(setup.WrongSetupLink):
        setup.set_up(session, key, setup.token(key)[:-1] + "0", CHOICE, languages, NOW)
    for field, value, error in (("network", " ", setup.BadNetworkName), ("timezone", "Mars/Olympus", setup.BadZone),
                                ("language", "xx", setup.BadLanguage)):
        with pytest.raises(error):
            setup.set_up(session, key, setup.token(key), {**CHOICE, field: value}, languages, NOW)
        session.rollback()
    assert rows(session) == (0, 0, 0)
    ada = setup.set_up(session, key, setup.token(key), CHOICE, languages, NOW)
    session.commit()
    network = setup.network(session)
    assert (network.name, network.timezone, network.language) == ("Elm Street Fridges", "America/Chicago", "es")
    assert ada.check_password(PASSWORD) and ada.is_member and ada.language == "es"
    assert session.scalars(select(JournalEntry.action)).all() == ["coordinator.added", "network.set_up"]
    with pytest.raises(setup.SetUpAlready):
        setup.set_up(session, key, setup.token(key), {**CHOICE, "email": "bea@example.org"}, languages, NOW)
    session.rollback()
    assert rows(session) == (1, 1, 2)


def test_the_token_comes_from_the_secret_key(app):
    assert setup.token("one key") == setup.token("one key") != setup.token("another key")
    assert len(setup.token(app.secret_key)) == 40


def setup_path(app):
    return f"/admin/setup/{setup.token(app.secret_key)}"


def test_a_fresh_network_says_where_its_setup_link_is(app, client, caplog):
    with caplog.at_level(logging.WARNING):
        page = client.get("/admin/sign-in")
    assert page.status_code == 200 and "This network has no coordinator yet" in page.text
    assert setup.token(app.secret_key) not in page.text  # the page says where the link is, not what
    assert f"https://pantry.example{setup_path(app)}" in caplog.text
    home = client.get("/admin/")
    assert home.status_code == 302 and "no coordinator yet" in client.get(home.headers["Location"]).text


def test_the_setup_page_makes_the_first_coordinator_signed_in(app, client, session):
    page = client.get(setup_path(app))
    assert page.status_code == 200 and page.headers["Cache-Control"] == "no-store"
    form = {**CHOICE, "confirm": PASSWORD, "csrf_token": csrf_token(page.text)}
    refused = client.post(setup_path(app), data={**form, "confirm": "something else"})
    assert refused.status_code == 422 and rows(session) == (0, 0, 0)
    answer = client.post(setup_path(app), data=form)
    assert answer.status_code == 303 and answer.headers["Location"] == "/admin/"
    assert client.get("/admin/").status_code == 200
    assert rows(session) == (1, 1, 2)
    again = app.test_client()
    assert again.get(setup_path(app)).status_code == 410
    token = csrf_token(again.get("/admin/sign-in").text)
    reused = again.post(setup_path(app), data={**form, "email": "mallory@example.org", "csrf_token": token})
    # In the language setup chose (es), for a browser that asks for none.
    assert reused.status_code == 410 and "Esta red ya está configurada" in reused.text
    assert rows(session) == (1, 1, 2)


def test_a_wrong_or_reused_setup_link_is_refused_in_spanish_too(app, client, coordinator):
    client.set_cookie("lang", "es")
    used = client.get(setup_path(app))
    assert used.status_code == 410 and "Esta red ya está configurada" in used.text


def test_a_wrong_link_is_not_found(app, client, session):
    answer = client.get("/admin/setup/" + "0" * 40)
    assert answer.status_code == 404 and "This setup link is not right." in answer.text
    assert rows(session) == (0, 0, 0)


def test_the_command_prints_the_link_until_a_coordinator_exists(app, runner, session):
    printed = runner.invoke(args=["pantry", "setup-link"])
    assert printed.exit_code == 0 and printed.output.strip() == f"https://pantry.example{setup_path(app)}"
    session.add(Coordinator(email="ada@example.org"))
    session.commit()
    refused = runner.invoke(args=["pantry", "setup-link"])
    assert refused.exit_code != 0 and "has a coordinator already" in refused.output


def test_the_network_shows_the_time_zone_and_language_its_setup_chose(app, client, session):
    """Before setup the settings hold (TIMEZONE, BABEL_DEFAULT_LOCALE); after it, every page and mail
    is in the chosen ones, in this process at once, and a page of many dates costs no query for them."""
    from flask_babel import format_datetime, get_locale, get_timezone
    from sqlalchemy import event

    from pantry.clock import deployment_zone
    from pantry.mail import written_in

    chosen = {**CHOICE, "timezone": "Asia/Kathmandu", "language": "es"}
    with app.app_context(), app.test_request_context("/"):  # a context of its own: Babel keeps its choice in it
        assert str(deployment_zone()) == app.config["TIMEZONE"] and str(get_locale()) == "en"
    page = client.get(setup_path(app))
    answer = client.post(setup_path(app), data={**chosen, "confirm": PASSWORD, "csrf_token": csrf_token(page.text)})
    assert answer.status_code == 303
    assert "Iniciar sesión" in app.test_client().get("/admin/sign-in").text  # no Accept-Language: the network's
    assert "Sign in" in app.test_client().get("/admin/sign-in", headers={"Accept-Language": "en"}).text
    queries = []
    listen = lambda *args: queries.append(args[2])  # noqa: E731
    event.listen(db.engine, "before_cursor_execute", listen)
    try:
        with app.app_context(), app.test_request_context("/"):
            assert str(deployment_zone()) == "Asia/Kathmandu" and str(get_timezone()) == "Asia/Kathmandu"
            assert str(get_locale()) == "es"
            days = [format_datetime(NOW, "HH:mm") for _ in range(100)]
            with written_in(app.config, None):
                assert str(get_locale()) == "es"
    finally:
        event.remove(db.engine, "before_cursor_execute", listen)
    assert set(days) == {"20:45"}  # 15:00 UTC is 20:45 in Kathmandu
    assert [query for query in queries if "network" in query] == []  # read once, at setup's end, not per date


def test_another_process_sees_the_setup_within_the_keep(app, session):
    """A process that read "no setup yet" reads again after KEEP_SECONDS: another gunicorn worker, or the
    outbox worker, shows the chosen zone within that long; the process that set up forgets at once."""
    from pantry import network

    moments = iter([0, 1, network.KEEP_SECONDS - 1, network.KEEP_SECONDS + 1])
    clock = lambda: next(moments)  # noqa: E731
    assert network.chosen(clock) is None
    session.add(Network(name="Elm Street Fridges", timezone="Asia/Kathmandu", language="es", set_up_at=NOW))
    session.commit()
    assert network.chosen(clock) is None and network.chosen(clock) is None
    assert network.chosen(clock) == network.Chosen("Elm Street Fridges", "Asia/Kathmandu", "es")
    network.forget()
    assert network.zone_name() == "Asia/Kathmandu" and network.default_language() == "es"


def test_a_language_no_longer_offered_falls_back_to_the_setting(app, session):
    from pantry import network

    session.add(Network(name="Elm Street Fridges", timezone="Asia/Kathmandu", language="fr", set_up_at=NOW))
    session.commit()
    assert network.default_language() == app.config["BABEL_DEFAULT_LOCALE"] == "en"


def test_the_setup_link_is_logged_at_start_until_a_coordinator_exists(app, session, caplog):
    """wsgi.py and the outbox worker call tell_at_start: the log has the link before anyone visits."""
    from pantry.coordinators.setup_pages import TOLD, tell_at_start

    with caplog.at_level(logging.WARNING):
        tell_at_start(app)
    assert caplog.text.count(f"https://pantry.example{setup_path(app)}") == 1
    caplog.clear()
    app.extensions.pop(TOLD)
    session.add(Coordinator(email="ada@example.org"))
    session.commit()
    with caplog.at_level(logging.WARNING):
        tell_at_start(app)
    assert setup.token(app.secret_key) not in caplog.text


def test_a_rule_that_writes_reads_the_zone_without_waiting_for_its_own_lock(app, session):
    """A rule run as a writer (BEGIN IMMEDIATE on SQLite) asks for the local day: the network is read on
    a connection of its own, which must not queue behind the lock the rule's own transaction holds."""
    import time

    from pantry import network
    from pantry.clock import deployment_zone
    from pantry.database import writer

    session.add(Network(name="Elm Street Fridges", timezone="Asia/Kathmandu", language="es", set_up_at=NOW))
    session.commit()
    with writer():
        session.add(Coordinator(email="ada@example.org"))
        session.flush()  # the write lock is this transaction's now
        network.forget()
        started = time.monotonic()
        assert str(deployment_zone()) == "Asia/Kathmandu"
        assert time.monotonic() - started < 2  # not the busy timeout (10 s), then the setting
        session.rollback()


@pytest.mark.slow
def test_the_wsgi_entry_logs_the_setup_link_as_gunicorn_loads_it(app, database_url):
    """gunicorn preloads wsgi.py once, in its master: importing it logs the link, before any visit."""
    import subprocess
    import sys

    from tests.live import ROOT, environment

    loaded = subprocess.run([sys.executable, "-c", "import wsgi"], cwd=ROOT, capture_output=True, text=True,
                            timeout=120, env=environment(database_url, BASE_URL="https://fridges.example"))
    assert loaded.returncode == 0, loaded.stderr
    assert f"Set it up at https://fridges.example/admin/setup/{setup.token('live-test-secret')}" in loaded.stderr
