"""Receivers that close a user's open sockets when their access ends (apps.accounts.sockets).

Signals, not services, because the ends come from many places Django owns: the admin's delete and
change forms, cascades, logout and password-change views. Each receiver only notes the end.
"""

from __future__ import annotations

from django.contrib.auth.signals import user_logged_out
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_save
from django.dispatch import receiver

from apps.accounts.models import DisplayToken, User
from apps.accounts.sockets import SESSION_ENDED, user_sockets_close

_ENDED = "_ct_access_ended"


@receiver(user_logged_out, dispatch_uid="ct_sockets_logout")
def _on_logout(sender, request, user, **kwargs) -> None:
    if user is not None:
        user_sockets_close(user_id=user.pk, code=SESSION_ENDED)


@receiver(pre_save, sender=User, dispatch_uid="ct_sockets_user_change")
def _note_password_or_deactivation(sender, instance: User, raw=False, **kwargs) -> None:
    if raw or instance.pk is None:
        return
    before = User.objects.filter(pk=instance.pk).values("password", "is_active").first()
    if before and (before["password"] != instance.password or (before["is_active"] and not instance.is_active)):
        setattr(instance, _ENDED, True)


@receiver(post_save, sender=User, dispatch_uid="ct_sockets_user_saved")
def _on_password_or_deactivation(sender, instance: User, created=False, **kwargs) -> None:
    if getattr(instance, _ENDED, False):
        delattr(instance, _ENDED)
        user_sockets_close(user_id=instance.pk, code=SESSION_ENDED)


@receiver(post_delete, sender=User, dispatch_uid="ct_sockets_user_deleted")
@receiver(post_delete, sender=DisplayToken, dispatch_uid="ct_sockets_token_deleted")
def _on_delete(sender, instance, **kwargs) -> None:
    user_sockets_close(user_id=instance.pk if sender is User else instance.user_id)


def _on_removal(sender, instance, action: str, reverse: bool, pk_set, **kwargs) -> None:
    """A role or site taken away: from the user's side, or a group's/site's side (reverse)."""
    if action not in ("post_remove", "post_clear"):
        return
    if not reverse:
        user_sockets_close(user_id=instance.pk)
    elif pk_set:
        for user_id in pk_set:
            user_sockets_close(user_id=user_id)
    # post_clear from the reverse side carries no ids; the consumer's periodic re-check covers it


m2m_changed.connect(_on_removal, sender=User.groups.through, dispatch_uid="ct_sockets_roles")
m2m_changed.connect(_on_removal, sender=User.sites.through, dispatch_uid="ct_sockets_sites")
