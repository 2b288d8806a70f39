"""Volunteers' contact details are kept while they are useful, and forgotten some days after the shift."""
from sqlalchemy import func, or_, select, update

from pantry.shifts.models import Shift, SignUp


def purge_contacts(session, now, after):
    """Forget the email and phone of everyone signed up for a shift that ended more than `after`
    before `now` (cancelled sign-ups and cancelled shifts too), and shorten the name to its first
    letter ("Ana Ruiz" becomes "A"). The sign-ups stay, so places taken and counts stay right.
    Returns how many sign-ups it changed: none when run again."""
    initial = func.substr(func.trim(SignUp.name), 1, 1)
    ended = select(Shift.id).where(Shift.ends_at < now - after)
    result = session.execute(
        update(SignUp)
        .where(
            SignUp.shift_id.in_(ended),
            or_(SignUp.email.is_not(None), SignUp.phone.is_not(None), SignUp.name != initial),
        )
        .values(email=None, phone=None, name=initial)
        .execution_options(synchronize_session=False)
    )
    session.flush()
    return result.rowcount
