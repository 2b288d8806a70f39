"""A volunteer's email is exactly one address: "a@x.org,postmaster" is not two recipients and
"a@x.org?bcc=..." is not a mailto: with a Bcc. The form refuses them (email-validator), a stored
one that is not one address gets no mailto: link on the roster, and no mail is sent to it."""
import logging
from datetime import time

import pytest

from pantry import emails, mail
from pantry.shifts.models import SignUp
from tests.conftest import PASSWORD
from tests.coordinators.conftest import sign_in
from tests.shifts.test_pages import add, sign_up, written

TRICKS = ["probe@example.org,postmaster", "probe2@example.org?bcc=boss@example.org&subject=hi",
          "probe2@example.org?bcc=boss%40example.org&subject=hi",
          "probe@example.org, other@example.org", '"two words"@example.org', "probe@[127.0.0.1]",
          "Probe <probe@example.org>"]


@pytest.mark.parametrize("typed", TRICKS)
def test_the_sign_up_form_takes_one_address_only(client, session, make_site, typed):
    shift = add(session, make_site("Corner Fridge"), 1)
    answer = sign_up(client, shift, email=typed)
    assert answer.status_code == 422 and "does not look like an email address" in answer.text
    assert written(session, shift) == (0, 0)


def test_one_address_is_taken_as_it_is(client, session, make_site):
    shift = add(session, make_site("Corner Fridge"), 1)
    assert sign_up(client, shift, email=" Ana.Ruiz+fridge@Example.org ").status_code == 303
    session.rollback()
    assert session.query(SignUp).one().email == "ana.ruiz+fridge@example.org"


def test_a_stored_address_that_is_not_one_gets_no_mailto_and_no_mail(app, client, session, make_site,
                                                                      coordinator, caplog):
    """Stored before the form checked it, say: the roster shows it as text, the mail skips it."""
    shift = add(session, make_site("Corner Fridge"), 1, time(9), time(9, 30))
    session.add(SignUp(shift_id=shift.id, name="Probe", email=TRICKS[1], token_hash="x" * 64,
                       idempotency_key="k" * 32))
    session.commit()
    assert sign_in(client, coordinator.email, PASSWORD).status_code == 303
    roster = client.get(f"/admin/shifts/{shift.id}").text
    assert "mailto:" not in roster and "probe2@example.org?bcc=boss@example.org&amp;subject=hi" in roster
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=1)  # nothing listens: a send would fail
    with caplog.at_level(logging.WARNING):
        assert mail.send(app.config, [mail.compose(app.config, TRICKS[0], "Hi", "x")]) == 0
    assert "not one email address" in caplog.text
    assert emails.mailto("ana@example.org") == "mailto:ana@example.org"
    assert [emails.mailto(trick) for trick in TRICKS] == [None] * len(TRICKS)
