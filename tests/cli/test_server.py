"""`tandem run` really serves Tandem: migrate, start on a free port on 127.0.0.1, ask, stop."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.request

import pytest


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture
def environment(tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith("TANDEM_")}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    env["TANDEM_DATA_DIR"] = str(tmp_path)
    return env


def tandem(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "tandem", *args], env=env, capture_output=True, text=True,
        timeout=180, check=True,
    )


def wait_for(url: str, deadline: float) -> bytes:
    while True:
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                return bytes(response.read())
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.2)


def test_run_serves_the_demo_and_the_api_on_the_chosen_port(environment):
    tandem(environment, "migrate", "--noinput")
    demo = tandem(environment, "demo", "--if-missing")
    assert "am@demo.test" in demo.stdout
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "tandem", "run"], env={**environment, "TANDEM_PORT": str(port)},
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )
    try:
        health = json.loads(wait_for(f"http://127.0.0.1:{port}/healthz", time.monotonic() + 60))
        assert health == {"status": "ok", "database": "ok"}
        request = urllib.request.Request(
            f"http://127.0.0.1:{port}/api/v1/auth/token",
            data=json.dumps({"email": "am@demo.test", "password": "demo"}).encode(),
            headers={"Content-Type": "application/json"}, method="POST",
        )
        with urllib.request.urlopen(request, timeout=10) as response:
            token = json.loads(response.read())["token"]
        me = urllib.request.Request(
            f"http://127.0.0.1:{port}/api/v1/me", headers={"Authorization": f"Bearer {token}"}
        )
        with urllib.request.urlopen(me, timeout=10) as response:
            body = json.loads(response.read())
        assert (body["organization"], body["role"]) == ("demo", "account_manager")
        login_page = wait_for(f"http://127.0.0.1:{port}/accounts/login/", time.monotonic() + 5)
        assert b"<form" in login_page
    finally:
        server.terminate()
        output, _ = server.communicate(timeout=20)
    assert f"Tandem is running at http://127.0.0.1:{port}/" in output
