from django.http import JsonResponse


class LivenessMiddleware:
    """Answer /healthz before host validation, TLS redirects and login: a probe only asks "alive?"."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path == "/healthz":
            return JsonResponse({"status": "ok"})
        return self.get_response(request)
