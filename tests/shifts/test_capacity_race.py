"""Many phones press "Sign up" at once, through real gunicorn worker processes: never more
places taken than the shift has, and a form sent several times at once takes one place."""
import threading
from datetime import time, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select

from pantry.database import utcnow
from pantry.shifts import planning
from pantry.shifts.models import Shift, SignUp
from tests.live import gunicorn, new_key, phones
from tests.test_concurrency import run_together

pytestmark = pytest.mark.slow
ZONE = ZoneInfo("America/New_York")
PHONES = 20


def a_shift(session, site, capacity):
    day = utcnow().astimezone(ZONE).date() + timedelta(days=2)
    shift = planning.add_shift(session, site, "cleaning", day, time(9), time(9, 30), capacity, utcnow(), ZONE)
    session.commit()
    return shift.id


def live_places(session, shift_id):
    session.rollback()
    taken = session.get(Shift, shift_id).taken
    live = session.scalar(
        select(func.count()).select_from(SignUp).where(SignUp.shift_id == shift_id, SignUp.cancelled_at.is_(None))
    )
    return taken, live


def test_twenty_phones_race_for_three_places(database_url, session, make_site):
    shift_id = a_shift(session, make_site("Corner Fridge"), capacity=3)
    statuses = []
    lock = threading.Lock()

    with gunicorn(database_url, workers=2, threads=8) as port, \
            phones(port, PHONES, f"/shifts/{shift_id}") as browsers:

        def press_sign_up(index):
            status = browsers[index].post(
                f"/shifts/{shift_id}/sign-up", key=new_key(), name=f"Volunteer {index}",
                email=f"volunteer{index}@example.org",
            )
            with lock:
                statuses.append(status)

        run_together(press_sign_up, PHONES)

    assert sorted(statuses) == [303] * 3 + [409] * (PHONES - 3)
    assert live_places(session, shift_id) == (3, 3)


@pytest.mark.parametrize("email", ["ana@example.org", ""], ids=["with an email", "without"])
def test_one_form_sent_by_eight_phones_at_once_takes_one_place(database_url, session, make_site, email):
    shift_id = a_shift(session, make_site("Corner Fridge"), capacity=1)
    same = new_key()
    statuses = []

    with gunicorn(database_url, workers=2, threads=4) as port, phones(port, 8, f"/shifts/{shift_id}") as browsers:

        def send_the_same(index):
            statuses.append(browsers[index].post(f"/shifts/{shift_id}/sign-up", key=same, name="Ana", email=email))

        run_together(send_the_same, 8)

    assert statuses == [303] * 8
    assert live_places(session, shift_id) == (1, 1)
