"""A password hasher that counts its work, so a test can compare what sign-ins cost."""

from django.contrib.auth.hashers import MD5PasswordHasher

HASHES = []


class CountingHasher(MD5PasswordHasher):
    # verify() hashes through encode(), and so do Django's and allauth's dummy hashes.
    def encode(self, password, salt):
        HASHES.append(password)
        return super().encode(password, salt)
