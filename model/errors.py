"""The errors every model command raises for the user, and the one check of typed text.

They live apart from any one domain module so that clients, members, tasks and
imports refuse bad input in the same words, and so that nothing has to import
the task module just to name an error.
"""

from __future__ import annotations

import unicodedata

from model.i18n import _


class ValidationError(ValueError):
    """Input that breaks a rule; the message is for the user and names the field."""

    def __init__(self, message: str, *, field: str = "") -> None:
        super().__init__(message)
        self.field = field


class NotFoundError(LookupError):
    """A row the user named does not exist (or is archived)."""


class ForbiddenError(ValidationError):
    """The member at the keys may not do this (see money, approve a week): refused in the
    model, not only hidden on a screen, and shown wherever a refused input is."""


def check_text(*, value: str, field: str, limit: int, required: bool, empty: str = "") -> str:
    """`value` as it will be stored, or a refusal naming `field`.

    NUL never reaches a store (PostgreSQL refuses it mid-transaction); a required
    value may not be blank (`empty` says what is missing); a single-line value
    (a name, a code) is stripped of surrounding blanks.
    """
    if "\x00" in value:
        raise ValidationError(_("text cannot contain NUL characters"), field=field)
    if required and not value.strip():
        raise ValidationError(empty or _("the title cannot be empty"), field=field)
    if len(value) > limit:
        raise ValidationError(_("too long: at most {limit} characters", limit=limit), field=field)
    return value.strip() if required else value


def check_line(*, value: str, field: str, limit: int, required: bool, empty: str = "") -> str:
    """A one-line value (a name, a role, an email): no line breaks or control characters."""
    checked = check_text(value=value, field=field, limit=limit, required=required, empty=empty)
    if any(unicodedata.category(char) == "Cc" for char in checked):
        raise ValidationError(_("use one line without control characters"), field=field)
    return checked.strip()
