"""Every screen in the language its reader chose: a wall display's token, else the signed-in user.

Placed after DisplayTokenMiddleware (which signs a TV in) and after LocaleMiddleware, which has
already picked the browser's language for anyone who has not chosen one.
"""

from django.utils import translation

from apps.accounts.display_middleware import SESSION_KEY
from apps.accounts.models import DisplayToken


def chosen_language(request) -> str:
    """The language code a person or TV chose, or "" to keep the browser's."""
    token_id = request.session.get(SESSION_KEY) if hasattr(request, "session") else None
    if token_id is not None:
        token = getattr(request, "display_token", None)
        if token is None:
            token = DisplayToken.objects.filter(pk=token_id).only("language").first()
        return token.language if token is not None else ""
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return user.language
    return ""


class ChosenLanguageMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        language = chosen_language(request)
        if language:
            translation.activate(language)
            request.LANGUAGE_CODE = translation.get_language()
        return self.get_response(request)
