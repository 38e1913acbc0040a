from apps.core import redis as core_redis
from apps.health import checks
from apps.mirror.models import SyncState
from apps.odoosim.server import start_simulator


def test_healthz_answers_without_login_or_known_host(client):
    response = client.get("/healthz", HTTP_HOST="10.0.0.7")  # a load balancer probing by IP
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


def test_readyz_reports_database_and_redis(client, db):
    response = client.get("/readyz")
    report = response.json()
    assert response.status_code == 200, report
    assert report["ready"] is True
    assert report["checks"]["database"]["ok"] and report["checks"]["redis"]["ok"]
    assert report["checks"]["redis"]["latency_ms"] >= 0


def test_readyz_says_503_and_why_when_redis_is_unreachable(client, admin_user, settings, monkeypatch):
    client.force_login(admin_user)  # the reason is for admins (anonymous probes get ok/not ok)
    settings.REDIS_URL = "redis://127.0.0.1:1/0"  # nothing listens on port 1
    core_redis.get_redis.cache_clear()
    try:
        response = client.get("/readyz")
    finally:
        core_redis.get_redis.cache_clear()
    assert response.status_code == 503
    report = response.json()
    assert report["ready"] is False
    assert "Connection" in report["checks"]["redis"]["error"]


def test_readyz_reports_odoo_without_failing_readiness_when_it_is_down(client, admin_user, settings):
    client.force_login(admin_user)
    with start_simulator(port=0) as simulator:
        settings.ODOO_URL = simulator.url
        checks._odoo_probe["result"] = None  # no cached probe from another test
        up = client.get("/readyz").json()
    checks._odoo_probe["result"] = None
    down = client.get("/readyz")
    checks._odoo_probe["result"] = None

    assert up["checks"]["odoo"]["ok"] is True and up["checks"]["odoo"]["server_version"].startswith("17")
    assert up["degraded"] is False
    assert down.status_code == 200, "a web process stays in the pool while Odoo is down"
    assert down.json()["degraded"] is True
    assert down.json()["checks"]["odoo"]["error"]


def test_integration_page_shows_sync_state_per_model(client, manager):
    SyncState.objects.create(odoo_model="stock.picking", last_rows=12, last_error="Odoo refused the connection")
    client.force_login(manager)
    page = client.get("/health/integration/").content.decode()
    assert "stock.picking" in page and "Odoo refused the connection" in page
    assert "circuit breaker" in page
