"""Background jobs: in-process without a broker; through a real worker with Redis."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys

import pytest
from celery import Celery

from tandem.config.celery import app
from tandem.core.tasks import ping

REDIS = ("127.0.0.1", 6379)


def redis_reachable() -> bool:
    try:
        with socket.create_connection(REDIS, timeout=0.5):
            return True
    except OSError:
        return False


def test_without_a_broker_tasks_run_in_process(settings):
    assert settings.CELERY_BROKER_URL is None
    assert app.conf.task_always_eager is True
    assert ping.delay("eager").get(timeout=1) == "pong:eager"


@pytest.mark.redis
def test_a_task_round_trips_through_redis_and_a_real_worker_process(tmp_path):
    if not redis_reachable():
        if os.environ.get("TANDEM_REQUIRE_REDIS") == "1":
            pytest.fail("Redis is not reachable on 127.0.0.1:6379 but TANDEM_REQUIRE_REDIS=1")
        pytest.skip("Redis is not reachable on 127.0.0.1:6379")
    url = "redis://127.0.0.1:6379/15"
    env = {k: v for k, v in os.environ.items() if not k.startswith("TANDEM_")}
    env.update(TANDEM_BROKER_URL=url, TANDEM_DATA_DIR=str(tmp_path))
    env.pop("DJANGO_SETTINGS_MODULE", None)
    worker = subprocess.Popen(
        [sys.executable, "-m", "tandem", "worker", "--concurrency", "1", "--loglevel", "WARNING"],
        env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )
    client = Celery("redis-round-trip", broker=url, backend=url)
    try:
        result = client.send_task("core.ping", args=["redis"])
        assert result.get(timeout=60) == "pong:redis"
    finally:
        worker.send_signal(signal.SIGTERM)
        try:
            worker.wait(timeout=20)
        except subprocess.TimeoutExpired:
            worker.kill()
        client.close()
