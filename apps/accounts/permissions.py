"""DRF permissions by role."""

from rest_framework.permissions import BasePermission

from apps.accounts.roles import has_role


class HasRole(BasePermission):
    """Allow users holding any of `roles`. Build one with HasRole.of(...)."""

    roles: tuple[str, ...] = ()
    message = "Your role does not give access to this endpoint."

    def has_permission(self, request, view) -> bool:
        return bool(request.user and request.user.is_authenticated and has_role(request.user, *self.roles))

    @classmethod
    def of(cls, *roles: str) -> type["HasRole"]:
        return type(f"HasRole_{'_'.join(roles)}", (cls,), {"roles": roles})
