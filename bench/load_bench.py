"""Load: the four heavy pages under concurrent logged-in users, on the production server (`gaoxin serve`,
gunicorn) and on Django's development server, in one run.

Sets up a throw-away SQLite demo database with one evaluation, opens a session for each user (the
planner), starts both servers on loopback (production settings over plain HTTP: GAOXIN_DEBUG=false,
GAOXIN_HTTPS=false), then — from a second process — lets USERS threads request the map layers, the circle
map, the circle dashboard and the street dashboard in turn, each thread with its own session and
keep-alive connection, until REQUESTS answers (or the time limit). Reports p50/p95/max latency,
throughput and errors per server, their ratio, and the machine's load average beside them.

Usage: python bench/load_bench.py [--users 20] [--requests 600] [--seconds 120] [--append docs/performance.md]
Goal (issue "Production and scale"): production p95 < 300 ms with 0 errors, ≥ 10 × the development
server's throughput.
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _wait(port: int, seconds: float = 60) -> None:
    import urllib.request

    end = time.time() + seconds
    while time.time() < end:
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/login/", timeout=5)
            return
        except OSError:
            time.sleep(0.25)
    raise RuntimeError(f"no server on port {port}")


def _redis_up() -> bool:
    try:
        with socket.create_connection(("127.0.0.1", 6379), timeout=1) as s:
            s.sendall(b"PING\r\n")
            return s.recv(16).startswith(b"+PONG")
    except OSError:
        return False


def prepare(users: int) -> tuple[dict[str, str], list[str], list[str]]:
    """The database (in a temporary GAOXIN_HOME), the session keys, the four URLs."""
    home = tempfile.mkdtemp(prefix="gaoxin-load-")
    env = {k: v for k, v in os.environ.items() if not k.startswith("GAOXIN_") and k != "DATABASE_URL"}
    env |= {
        "GAOXIN_HOME": home,
        "DATABASE_URL": f"sqlite:///{home}/load.sqlite3",
        "DJANGO_SETTINGS_MODULE": "gaoxin.site.settings",
        "GAOXIN_DEBUG": "false",
        "GAOXIN_HTTPS": "false",
        "GAOXIN_REQUIRE_2FA": "false",
        "GAOXIN_LOG_LEVEL": "ERROR",
    }
    if _redis_up():  # the production set-up: one cache shared by the workers (a new database number)
        env["GAOXIN_REDIS_URL"] = "redis://127.0.0.1:6379/7"
    os.environ.update(env)
    import django

    django.setup()
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore
    from django.core.management import call_command

    from gaoxin.accounts.models import User
    from gaoxin.demo.load import load_demo
    from gaoxin.lifecircle import services
    from gaoxin.places.models import Zone

    call_command("migrate", verbosity=0)
    call_command("collectstatic", "--no-input", verbosity=0)
    from django.core.cache import cache

    cache.clear()  # nothing left from an earlier run in a shared cache
    load_demo()
    zone = Zone.objects.get()
    evaluation = services.evaluate(actor=None, zone=zone)
    planner = User.objects.get(username="planner")
    street = zone.streets.order_by("code").first()
    keys = []
    for _ in range(users):
        session = SessionStore()
        session[SESSION_KEY] = str(planner.pk)
        session[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[0]
        session[HASH_SESSION_KEY] = planner.get_session_auth_hash()
        session.create()
        keys.append(session.session_key)
    urls = [
        "/places/map/layers.json",
        "/lifecircle/map/",
        "/lifecircle/",
        f"/lifecircle/{evaluation.pk}/streets/{street.pk}/",
    ]
    return env, keys, urls


def run_load(port: int, keys: list[str], urls: list[str], total: int, seconds: float) -> dict[str, float]:
    """The load, from a second process (this file with --client)."""
    spec = json.dumps({"port": port, "keys": keys, "urls": urls, "total": total, "seconds": seconds})
    done = subprocess.run(
        [sys.executable, str(Path(__file__).resolve()), "--client", spec],
        capture_output=True,
        text=True,
        timeout=seconds + 120,
    )
    if done.returncode != 0:
        raise RuntimeError(done.stderr[-2000:])
    return json.loads(done.stdout)


def client(spec_text: str) -> None:
    """USERS threads, each with its session and a keep-alive connection, until TOTAL answers."""
    import http.client
    import threading

    spec = json.loads(spec_text)
    lock = threading.Lock()
    latencies: list[float] = []
    errors = [0]
    issued = [0]
    end = time.time() + spec["seconds"]

    def user(n: int) -> None:
        conn = http.client.HTTPConnection("127.0.0.1", spec["port"], timeout=60)
        headers = {"Cookie": f"sessionid={spec['keys'][n]}", "Accept-Encoding": "gzip"}
        k = n
        while time.time() < end:
            with lock:
                if issued[0] >= spec["total"]:
                    return
                issued[0] += 1
            url = spec["urls"][k % len(spec["urls"])]
            k += 1
            t = time.perf_counter()
            try:
                conn.request("GET", url, headers=headers)
                response = conn.getresponse()
                response.read()
                ok = response.status == 200
            except (OSError, http.client.HTTPException):
                ok = False
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", spec["port"], timeout=60)
            dt = time.perf_counter() - t
            with lock:
                latencies.append(dt)
                errors[0] += not ok

    threads = [threading.Thread(target=user, args=(n,)) for n in range(len(spec["keys"]))]
    start = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    wall = time.perf_counter() - start
    latencies.sort()
    q = statistics.quantiles(latencies, n=100) if len(latencies) > 1 else latencies * 99
    print(
        json.dumps(
            {
                "requests": len(latencies),
                "errors": errors[0],
                "seconds": wall,
                "throughput": len(latencies) / wall,
                "p50_ms": 1000 * q[49],
                "p95_ms": 1000 * q[94],
                "max_ms": 1000 * latencies[-1],
            }
        )
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--users", type=int, default=20)
    parser.add_argument("--requests", type=int, default=600)
    parser.add_argument("--seconds", type=float, default=120)
    parser.add_argument("--append", default="")
    parser.add_argument("--client", default="")
    args = parser.parse_args()
    if args.client:
        client(args.client)
        return
    env, keys, urls = prepare(args.users)
    gaoxin = str(Path(sys.executable).parent / "gaoxin")
    results = {}
    load_before = os.getloadavg()
    for name, command in (
        ("production (gaoxin serve, gunicorn)", [gaoxin, "serve", "--bind", "127.0.0.1:{port}"]),
        ("development (runserver)", [gaoxin, "runserver", "127.0.0.1:{port}", "--noreload", "--insecure"]),
    ):
        port = _free_port()
        server = subprocess.Popen(
            [part.format(port=port) for part in command],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            _wait(port)
            run_load(port, keys, urls, 200, 60)  # warm-up: the workers start, the caches are built once
            results[name] = run_load(port, keys, urls, args.requests, args.seconds)
        finally:
            server.terminate()
            server.wait(timeout=30)
    load_after = os.getloadavg()
    prod, dev = results.values()
    ratio = prod["throughput"] / dev["throughput"] if dev["throughput"] else float("inf")
    lines = [
        "### Load: the four heavy pages under concurrent users",
        "",
        f"{args.users} logged-in planners (threads of a second process, keep-alive, gzip) request in turn the map "
        f"layers, the circle map, the circle dashboard and the street dashboard of the demo zone — "
        f"{args.requests} answers per server (at most {args.seconds:.0f} s), after a warm-up. SQLite, one machine "
        f"({os.cpu_count()} cores); cache: {'Redis' if env.get('GAOXIN_REDIS_URL') else 'process memory'}; "
        f"load average {load_before[0]:.2f} before, {load_after[0]:.2f} after.",
        "",
        "| server | answers | errors | throughput (req/s) | p50 (ms) | p95 (ms) | max (ms) |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    for name, r in results.items():
        lines.append(
            f"| {name} | {r['requests']} | {r['errors']} | {r['throughput']:.1f} | {r['p50_ms']:.0f} | "
            f"{r['p95_ms']:.0f} | {r['max_ms']:.0f} |"
        )
    lines += [
        "",
        f"Production / development throughput: **{ratio:.1f} ×**; production p95 {prod['p95_ms']:.0f} ms "
        f"(goal < 300 ms, 0 errors, ≥ 10 ×).",
        "",
    ]
    text = "\n".join(lines)
    print(text)
    if args.append:
        with open(args.append, "a", encoding="utf-8") as out:
            out.write("\n" + text)


if __name__ == "__main__":
    main()
