"""Login everywhere, except what is public by design (login page, health, secret-checked webhooks)."""

from django.contrib.auth.middleware import LoginRequiredMiddleware


class LoginRequiredEverywhereMiddleware(LoginRequiredMiddleware):
    """Django's LoginRequiredMiddleware, but API paths answer 401/403 JSON through DRF instead of a redirect.

    Every DRF view requires authentication by default (REST_FRAMEWORK settings), and the few public
    ones (webhooks) check their own secret.
    """

    def process_view(self, request, view_func, view_args, view_kwargs):
        if request.path.startswith("/api/"):
            return None
        return super().process_view(request, view_func, view_args, view_kwargs)
