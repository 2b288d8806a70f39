"""An email address is exactly one address: checked with email-validator, so a volunteer's
"ana@example.org,postmaster" never becomes two recipients, nor "ana@example.org?bcc=..." a
mailto: link with extras. Ground: the shifts, the coordinators and the mail use it."""
from urllib.parse import quote

from email_validator import EmailNotValidError, validate_email

LONGEST = 254


class NotOneAddress(ValueError):
    pass


def one_address(text):
    """`text` as one email address, lowercased; NotOneAddress if it is not exactly one."""
    if not isinstance(text, str) or len(text.strip()) > LONGEST:
        raise NotOneAddress(text)
    try:
        checked = validate_email(text.strip(), check_deliverability=False, allow_quoted_local=False,
                                 allow_domain_literal=False, allow_display_name=False)
    except EmailNotValidError as error:
        raise NotOneAddress(text) from error
    return checked.normalized.lower()


def is_one_address(text):
    try:
        one_address(text)
    except NotOneAddress:
        return False
    return True


def mailto(text):
    """A mailto: link for a stored address, or None for one that is not exactly one address."""
    if not is_one_address(text):
        return None
    return "mailto:" + quote(one_address(text), safe="@")
