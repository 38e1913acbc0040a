from celery import shared_task

from apps.wall.refresh import refresh_time_based_tiles, tile_publish


@shared_task(name="wall.refresh_tile", soft_time_limit=20, time_limit=30)
def refresh_tile(site_code: str, key: str) -> None:
    tile_publish(site_code, key)


@shared_task(name="wall.refresh_all", soft_time_limit=60, time_limit=90, expires=30)
def refresh_all() -> int:
    return refresh_time_based_tiles()
