"""moh_core's errors as the user sees them: the one place where a ``MohError`` becomes the
``UserError`` (or ``ValidationError``) shown, in the user's language.

moh_core carries each error's text in English and Vietnamese (``moh_core.errors``); the language
is the one ``env._`` translates into, so a message framed by the addon never mixes languages.
"""

import logging
from contextlib import contextmanager

from odoo.exceptions import UserError

from moh_core.errors import MohError

_logger = logging.getLogger(__name__)


def error_message(env, error):
    """``error``'s whole message in the language of ``env``."""
    return error.message_in(env.lang or "en_US")


def error_reason(env, error):
    """``error``'s problems in the language of ``env``, lower case and without final stop: for a
    sentence of the caller's that says what was refused (``%(reason)s``)."""
    return error.reason_in(env.lang or "en_US")


def user_error(env, error, exception=UserError):
    """The ``exception`` (UserError by default) that shows ``error`` to the user."""
    _logger.info("Refused (%s): %s", getattr(error.code, "value", error.code), error)
    return exception(error_message(env, error))


@contextmanager
def user_errors(env, exception=UserError):
    """Turn any ``MohError`` raised in the block into ``exception`` in the user's language."""
    try:
        yield
    except MohError as error:
        raise user_error(env, error, exception) from error
