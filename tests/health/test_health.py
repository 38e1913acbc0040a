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


def test_readyz_says_503_and_why_when_redis_is_unreachable(client, db, settings, monkeypatch):
    from apps.core import redis as core_redis

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
