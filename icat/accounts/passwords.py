"""Password rules and hashing (OWASP ASVS 5.0 level 1, V6.2 and V11.4).

Rules: at least 12 characters, at most 128 (long passphrases are welcome; the cap only
bounds the hashing work an attacker can ask for), not one of the common passwords shipped
with the package, and no composition rules (ASVS 6.2.5). Hashing: argon2id through
argon2-cffi with its RFC 9106 "low memory" profile; a hash made with other parameters, or
by the older werkzeug scrypt/pbkdf2 hashes, verifies and is replaced at the next sign-in.

``data/common-passwords.txt.gz`` is the list Django ships (django/contrib/auth, taken from
the Django 5.2.19 wheel on PyPI, BSD licence): 20,000 common passwords, lowercased and
deduplicated, made by Royce Williams from breach corpora
(gist.github.com/roycewilliams/226886fd01572964e1431ac8afc999ce).
"""

from __future__ import annotations

import functools
import gzip
from importlib import resources
from typing import Any

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask_babel import lazy_gettext as _l
from werkzeug.security import check_password_hash

MIN_LENGTH = 12
MAX_LENGTH = 128
_HASHER = PasswordHasher()  # argon2id, t=3, m=64 MiB, p=4 (RFC 9106 low-memory profile)
# Compared against when an address is unknown, so both paths cost one argon2 verification.
_DUMMY_HASH = _HASHER.hash("not-a-real-password-at-all")


@functools.cache
def common_passwords() -> frozenset[str]:
    """The shipped list, read once per process."""
    data = resources.files("icat.accounts").joinpath("data/common-passwords.txt.gz").read_bytes()
    return frozenset(gzip.decompress(data).decode("utf-8").split())


def problems(password: str) -> list[Any]:
    """What is wrong with ``password`` as a new password (empty: nothing)."""
    if len(password) < MIN_LENGTH:
        return [_l("Use at least %(n)s characters; a few words make a good password.", n=MIN_LENGTH)]
    if len(password) > MAX_LENGTH:
        return [_l("Use at most %(n)s characters.", n=MAX_LENGTH)]
    if password.lower() in common_passwords() or password.strip().lower() in common_passwords():
        return [_l("This password is on a list of common passwords. Choose another.")]
    return []


def hash_password(password: str) -> str:
    return _HASHER.hash(password)


def verify(stored: str, password: str) -> tuple[bool, bool]:
    """(whether ``password`` matches ``stored``, whether the hash should be remade).

    An empty ``stored`` (invited, no password yet) never matches, at the same cost.
    """
    if not stored.startswith("$argon2"):
        if stored and ":" in stored:  # werkzeug's "scrypt:…" or "pbkdf2:…" from before argon2id
            return check_password_hash(stored, password), True
        _verify_argon2(_DUMMY_HASH, password)
        return False, False
    ok = _verify_argon2(stored, password)
    return ok, ok and _HASHER.check_needs_rehash(stored)


def _verify_argon2(stored: str, password: str) -> bool:
    try:
        return _HASHER.verify(stored, password)
    except (VerificationError, InvalidHashError):
        return False
