"""Users of Control Tower: a Django user with roles (groups) and the sites they belong to."""

from django.contrib.auth.models import AbstractUser
from django.db import models


class User(AbstractUser):
    """A person (or a wall display) using Control Tower."""

    sites = models.ManyToManyField(
        "ct_sites.Site",
        blank=True,
        related_name="members",
        help_text="Sites this user sees. Administrators see every site.",
    )
