"""`gaoxin serve` runs the production server (gunicorn) on the installation: pages and compressed static
files are served."""

from __future__ import annotations

import gzip
import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_the_production_server_serves_the_site(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("GAOXIN_") and k != "DATABASE_URL"}
    env |= {"GAOXIN_HOME": str(tmp_path), "DJANGO_SETTINGS_MODULE": "gaoxin.site.settings"}
    env |= {"GAOXIN_DEBUG": "false", "GAOXIN_HTTPS": "false"}  # as in production, over plain HTTP here
    gaoxin = [sys.executable, "-m", "gaoxin.site.cli"]
    for step in (["migrate", "--no-input"], ["collectstatic", "--no-input", "--verbosity", "0"]):
        done = subprocess.run([*gaoxin, *step], env=env, capture_output=True, text=True, timeout=300)
        assert done.returncode == 0, done.stderr
    port = _free_port()
    server = subprocess.Popen(
        [*gaoxin, "serve", "--bind", f"127.0.0.1:{port}", "--workers", "1", "--threads", "2"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    try:
        for _ in range(100):
            try:
                page = urllib.request.urlopen(f"http://127.0.0.1:{port}/login/", timeout=5)
                break
            except OSError:
                time.sleep(0.2)
        else:
            server.terminate()
            raise AssertionError(
                "the server did not answer: " + server.communicate(timeout=30)[0].decode()[-2000:]
            )
        assert page.status == 200 and "gunicorn" in page.headers.get("Server", "").lower()
        request = urllib.request.Request(
            f"http://127.0.0.1:{port}/static/gaoxin/site.css", headers={"Accept-Encoding": "gzip"}
        )
        css = urllib.request.urlopen(request, timeout=5)
        assert css.headers["Content-Encoding"] == "gzip" and b"--brand" in gzip.decompress(css.read())
    finally:
        server.terminate()
        server.communicate(timeout=30)
