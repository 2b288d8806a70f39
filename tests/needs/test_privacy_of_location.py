"""A location sent to the search is never stored or logged: the access log blanks it."""
import logging

from pantry.needs.privacy import DropLocation


def test_the_access_log_blanks_a_location(app, client, fridge, caplog):
    record = logging.LogRecord("gunicorn.access", logging.INFO, __file__, 1,
                               '%s "%s" %s', ("127.0.0.1", "GET /find?q=milk&lat=40.69&lon=-73.99 HTTP/1.1", 200), None)
    assert DropLocation().filter(record)
    assert record.getMessage() == '127.0.0.1 "GET /find?q=milk&lat=-&lon=- HTTP/1.1" 200'
    assert any(isinstance(one, DropLocation) for one in logging.getLogger("gunicorn.access").filters)
    assert any(isinstance(one, DropLocation) for one in logging.getLogger("werkzeug").filters)


def test_a_located_search_writes_nothing(app, client, fridge, session):
    from sqlalchemy import inspect, text
    def counts():
        return {name: session.execute(text(f"SELECT count(*) FROM {name}")).scalar()
                for name in inspect(session.get_bind()).get_table_names() if name != "alembic_version"}
    before = counts()
    assert client.get("/find?q=milk&lat=40.69&lon=-73.99").status_code == 200
    session.rollback()
    assert counts() == before
