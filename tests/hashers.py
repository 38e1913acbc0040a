"""A fast password hasher for the suite: a real PBKDF2-SHA256 hash with one iteration.

Production hashes a password with Django's default (a million iterations, about a quarter of a
second here), which the suite would pay for every user a fixture creates and every login. The hash
keeps Django's `pbkdf2_sha256` format, so the servers a test starts (Daphne, Celery: production
settings) verify it as they would any older hash.
"""

from django.contrib.auth.hashers import PBKDF2PasswordHasher


class FastPBKDF2PasswordHasher(PBKDF2PasswordHasher):
    iterations = 1
