from django.contrib.auth.models import AbstractUser
from django.db import models


class User(AbstractUser):
    """A customer or a member of staff."""

    phone_number = models.CharField(max_length=32, blank=True)
    marketing_opt_in = models.BooleanField(default=False)

