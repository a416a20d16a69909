"""A real nginx in front of real gunicorn servers on loopback, for tests/proxy/ (`make test-proxy`).

Two gunicorn servers share one throwaway SQLite database (and so the database cache the limits
count in), started with config/gunicorn.py and DEBUG off, as deployed:

- `trusting`: TRUSTED_PROXY_COUNT=1, the setting for one nginx in front;
- `direct`: TRUSTED_PROXY_COUNT=0, the setting for no proxy at all.

nginx (Debian's nginx-light) listens on two ports, one in front of each server, and forwards as
the README's deployment does (`X-Forwarded-For $proxy_add_x_forwarded_for`). A person is a source
address: the whole of 127.0.0.0/8 is loopback on Linux, so a client socket bound to 127.0.1.7
reaches nginx from 127.0.1.7, which nginx appends to X-Forwarded-For as its $remote_addr. Every
process started here is stopped at the end of the session, whatever the tests' outcome.
"""

from __future__ import annotations

import http.client
import json
import os
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
HOST = "cchc.test"
# Small, so one address goes over it with a few starts; the production default is sized for
# carrier-grade NAT (README, Configuration).
STARTS_PER_ADDRESS = 3
LOGIN_FAILURES = 3  # AXES_FAILURE_LIMIT
PEOPLE = 160

NGINX_CONF = """
worker_processes 1;
pid {tmp}/nginx.pid;
error_log {tmp}/nginx-error.log warn;
events {{ worker_connections 256; }}
http {{
  access_log off;
  client_body_temp_path {tmp}/client_body;
  proxy_temp_path {tmp}/proxy;
  fastcgi_temp_path {tmp}/fastcgi;
  uwsgi_temp_path {tmp}/uwsgi;
  scgi_temp_path {tmp}/scgi;
  {servers}
}}
"""
NGINX_SERVER = """
  server {{
    listen 127.0.0.1:{listen};
    location / {{
      proxy_pass http://127.0.0.1:{upstream};
      proxy_set_header Host $host;
      proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
      proxy_set_header X-Forwarded-Proto $scheme;
    }}
  }}
"""


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _wait_for_port(port: int, process: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"{process.args[0]} stopped while starting:\n{log.read_text(errors='replace')[-3000:]}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return
        except OSError:
            time.sleep(0.2)
    pytest.fail(f"nothing listens on {port} after 60 s:\n{log.read_text(errors='replace')[-3000:]}")


def _stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@dataclass
class Answer:
    status: int
    body: dict


@dataclass
class Stack:
    tmp: Path
    env: dict[str, str]
    quiz: int
    tokens: list[str]
    login: dict[str, str]
    ports: dict[str, int] = field(default_factory=dict)
    _next_token: int = 0

    def person(self) -> str:
        """A fresh resident's API token (each person starts the round once)."""
        token = self.tokens[self._next_token]
        self._next_token += 1
        return token

    def request(self, port: str, method: str, path: str, *, source: str, body: dict | None = None,
                token: str | None = None, forwarded_for: str | None = None) -> Answer:
        """One request to `port` ("trusting"/"direct" for the servers, "nginx-trusting" and
        "nginx-direct" for the nginx in front of each), sent from the loopback address `source`."""
        connection = http.client.HTTPConnection("127.0.0.1", self.ports[port], timeout=60,
                                                source_address=(source, 0))
        headers = {"Host": HOST, "Content-Type": "application/json"}
        if token:
            headers["Authorization"] = f"Token {token}"
        if forwarded_for is not None:
            headers["X-Forwarded-For"] = forwarded_for
        try:
            connection.request(method, path, body=json.dumps(body or {}), headers=headers)
            response = connection.getresponse()
            raw = response.read()
        finally:
            connection.close()
        try:
            parsed = json.loads(raw) if raw else {}
        except ValueError:
            parsed = {"raw": raw.decode(errors="replace")[:500]}
        return Answer(response.status, parsed)

    def start(self, port: str, *, source: str, forwarded_for: str | None = None) -> tuple[str, Answer]:
        token = self.person()
        return token, self.request(port, "POST", f"/api/quizzes/{self.quiz}/attempts/", source=source,
                                   token=token, forwarded_for=forwarded_for)

    def recorded_addresses(self) -> dict[str, str]:
        """{token: the address the attempt recorded}, read back from the servers' database."""
        done = subprocess.run([sys.executable, "-m", "tests.proxy.seed", "report"], cwd=ROOT, env=self.env,
                              capture_output=True, text=True, check=True)
        return json.loads(done.stdout)


@pytest.fixture(scope="session")
def stack() -> Iterator[Stack]:
    nginx = shutil.which("nginx") or "/usr/sbin/nginx"
    if not Path(nginx).is_file():
        pytest.exit("nginx is missing: run 'apt-get install --no-install-recommends nginx-light' "
                    "(make test-proxy does).", 3)
    tmp = Path(tempfile.mkdtemp(prefix="proxy-check-"))
    tmp.chmod(0o755)  # nginx's workers run as nobody when the master is root
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DEBUG": "false",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "SITE_URL": f"https://{HOST}",
        "ALLOWED_HOSTS": HOST,
        # Plain http on loopback: nginx here terminates no TLS, so no redirect to https.
        "SECURE_SSL_REDIRECT": "false",
        "DATABASE_URL": f"sqlite:///{tmp / 'db.sqlite3'}",
        "STATIC_ROOT": str(tmp / "static"),
        "MEDIA_ROOT": str(tmp / "media"),
        "CONTEST_STARTS_PER_ADDRESS": str(STARTS_PER_ADDRESS),
        "AXES_FAILURE_LIMIT": str(LOGIN_FAILURES),
        "LOG_LEVEL": "WARNING",
    }
    env.pop("REDIS_URL", None)
    seeded = subprocess.run([sys.executable, "-m", "tests.proxy.seed", "seed", str(PEOPLE)], cwd=ROOT, env=env,
                            capture_output=True, text=True)
    if seeded.returncode != 0:
        shutil.rmtree(tmp, ignore_errors=True)
        pytest.fail(f"seeding failed:\n{seeded.stderr[-3000:]}")
    data = json.loads(seeded.stdout)
    result = Stack(tmp=tmp, env=env, quiz=data["quiz"], tokens=data["tokens"], login=data["login"])
    processes: list[subprocess.Popen] = []
    try:
        for name, proxies in (("trusting", "1"), ("direct", "0")):
            port = result.ports[name] = _free_port()
            log = tmp / f"gunicorn-{name}.log"
            process = subprocess.Popen(
                [sys.executable, "-m", "gunicorn", "-c", "config/gunicorn.py", "config.wsgi",
                 "--workers", "1", "--bind", f"127.0.0.1:{port}"],
                cwd=ROOT, env={**env, "TRUSTED_PROXY_COUNT": proxies},
                stdout=log.open("w"), stderr=subprocess.STDOUT)
            processes.append(process)
            _wait_for_port(port, process, log)
        servers = []
        for name in ("trusting", "direct"):
            result.ports[f"nginx-{name}"] = _free_port()
            servers.append(NGINX_SERVER.format(listen=result.ports[f"nginx-{name}"], upstream=result.ports[name]))
        conf = tmp / "nginx.conf"
        conf.write_text(NGINX_CONF.format(tmp=tmp, servers="".join(servers)))
        log = tmp / "nginx-error.log"
        process = subprocess.Popen([nginx, "-c", str(conf), "-p", str(tmp), "-g", "daemon off;"],
                                   stdout=log.open("a"), stderr=subprocess.STDOUT)
        processes.append(process)
        for name in ("trusting", "direct"):
            _wait_for_port(result.ports[f"nginx-{name}"], process, log)
        yield result
    finally:
        for process in reversed(processes):
            _stop(process)
        for name in ("trusting", "direct"):
            server_log = tmp / f"gunicorn-{name}.log"
            if server_log.exists() and "Traceback" in server_log.read_text(errors="replace"):
                print(f"gunicorn ({name}) logged errors:\n{server_log.read_text(errors='replace')[-4000:]}")
        shutil.rmtree(tmp, ignore_errors=True)
