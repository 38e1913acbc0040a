# Control Tower — production image. Multi-stage: wheels are built once, the runtime stays small.
# One image, several roles: web (Daphne), worker, live-screens worker, beat — chosen by the command (see docker-compose.yml).

FROM python:3.11-slim-bookworm AS build
ENV PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_CACHE_DIR=1
WORKDIR /build
RUN apt-get update && apt-get install -y --no-install-recommends build-essential && rm -rf /var/lib/apt/lists/*
COPY requirements.lock .
RUN pip wheel --wheel-dir /wheels -r requirements.lock

FROM python:3.11-slim-bookworm AS runtime
# Wall displays reload themselves when this changes: pass the commit, e.g. --build-arg APP_VERSION=$(git rev-parse --short HEAD)
ARG APP_VERSION=dev
ENV APP_VERSION=${APP_VERSION}
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_CACHE_DIR=1 \
    DJANGO_ENV=production STATIC_ROOT=/app/staticfiles
RUN apt-get update && apt-get install -y --no-install-recommends curl && rm -rf /var/lib/apt/lists/* \
    && groupadd --system app && useradd --system --gid app --home /app app
WORKDIR /app
COPY --from=build /wheels /wheels
COPY requirements.lock .
RUN pip install --no-index --find-links=/wheels -r requirements.lock && rm -rf /wheels
COPY --chown=app:app . .
# collectstatic needs settings but no real secrets: throwaway values for this build step only.
RUN DJANGO_SECRET_KEY=collectstatic-only DJANGO_ALLOWED_HOSTS=build DATABASE_URL=sqlite:////tmp/build.db \
    REDIS_URL=redis://localhost:6379/0 ODOO_DATABASE=build ODOO_LOGIN=build ODOO_PASSWORD=build \
    ODOO_WEBHOOK_SECRET=build python manage.py collectstatic --noinput
USER app
EXPOSE 8000
HEALTHCHECK --interval=15s --timeout=3s --start-period=20s --retries=3 \
    CMD curl -fsS http://127.0.0.1:8000/healthz || exit 1
CMD ["python", "-m", "controltower.serve", "-b", "0.0.0.0", "-p", "8000", "--proxy-headers", "controltower.asgi:application"]
