"""The checks of a running cluster (scripts/cluster.sh; `make test-cluster` starts one, runs these
tests with CLUSTER_ENV naming its cluster.env, and removes it, even on failure). Without
CLUSTER_ENV every test here is skipped.

The tests talk to the cluster as phones do: HTTPS through nginx (the throwaway certificate is not
verified), each phone from a loopback address of its own (all of 127.0.0.0/8 is loopback on Linux:
nginx sees the phone's address and writes it into X-Forwarded-For), either to the load-balanced
address or to one app server through nginx's per-server ("pinned") addresses, so a check can choose
which server receives a request. They read the cluster's PostgreSQL directly, and run the project's
code in the cluster's environment as a subprocess (the seed, a close request).

Controls (a check that can fail) are app servers started here beside the cluster, configured
wrongly on purpose: `loner` has a SECRET_KEY and a Redis of its own (nothing shared but the
database), `cache_sessions` keeps the sessions in the cache alone (tests/cluster/control_settings.py).
"""

from __future__ import annotations

import http.client
import json
import os
import re
import secrets
import signal
import socket
import ssl
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlencode

import psycopg
import pytest

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "scripts" / "cluster.sh"
TOKEN_PEOPLE = 40


def _read_env(path: Path) -> dict[str, str]:
    values = {}
    for line in path.read_text().splitlines():
        if "=" in line and not line.lstrip().startswith("#"):
            key, _sep, value = line.partition("=")
            values[key.strip()] = value.strip()
    return values


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_until(what, *, seconds: float, message: str):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        value = what()
        if value:
            return value
        time.sleep(0.2)
    pytest.fail(f"timed out after {seconds:.0f} s: {message}")


@dataclass
class Response:
    status: int
    headers: dict[str, str]
    text: str

    def json(self) -> dict:
        return json.loads(self.text) if self.text else {}


@dataclass
class Phone:
    """One person's phone: its own cookies and loopback address. `port` None is nginx's
    load-balanced address; a server number (1-based) is nginx's address pinned to that app server;
    a Control is a control server reached directly (with the headers nginx would add)."""

    cluster: Cluster
    source: str
    cookies: dict[str, str] = field(default_factory=dict)
    token: str = ""

    def request(self, method: str, path: str, *, server=None, data: dict | None = None, json_body=None,
                headers: dict[str, str] | None = None, timeout: float = 30) -> Response:
        if isinstance(server, Control):
            port, tls = server.port, False
        else:
            port, tls = (self.cluster.https_port if server is None else self.cluster.pinned[server - 1]), True
        host = f"127.0.0.1:{port}"
        sent = {"Host": host, "Origin": f"https://{host}", "Referer": f"https://{host}{path}",
                "User-Agent": "cluster-check"}
        if not tls:  # what nginx adds in front of a real server
            sent.update({"X-Forwarded-Proto": "https", "X-Forwarded-For": self.source})
        if self.cookies:
            sent["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        if self.token:
            sent["Authorization"] = f"Token {self.token}"
        body = None
        if data is not None:
            body = urlencode(data)
            sent["Content-Type"] = "application/x-www-form-urlencoded"
            if "csrftoken" in self.cookies:
                sent["X-CSRFToken"] = self.cookies["csrftoken"]
        elif json_body is not None:
            body = json.dumps(json_body)
            sent["Content-Type"] = "application/json"
        sent.update(headers or {})
        if tls:
            connection = http.client.HTTPSConnection("127.0.0.1", port, timeout=timeout, context=self.cluster.tls,
                                                     source_address=(self.source, 0))
        else:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout,
                                                    source_address=(self.source, 0))
        try:
            connection.request(method, path, body=body, headers=sent)
            response = connection.getresponse()
            text = response.read().decode(errors="replace")
            for name, value in response.getheaders():
                if name.lower() == "set-cookie":
                    cookie, _sep, _rest = value.partition(";")
                    key, _eq, val = cookie.partition("=")
                    if val in ("", '""'):
                        self.cookies.pop(key.strip(), None)
                    else:
                        self.cookies[key.strip()] = val.strip()
            return Response(response.status, {k.lower(): v for k, v in response.getheaders()}, text)
        finally:
            connection.close()

    def login(self, phone: str, password: str, *, server=None) -> Response:
        """The login page, then its form posted (with the page's CSRF token), as a browser does."""
        page = self.request("GET", "/accounts/login/", server=server)
        assert page.status == 200, page.text[:500]
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text)
        return self.request("POST", "/accounts/login/", server=server,
                            data={"csrfmiddlewaretoken": token[1] if token else "", "username": phone,
                                  "password": password})

    def signed_in(self, *, server=None) -> bool:
        """Whether the person's own page opens (a signed-out phone is sent to the login page)."""
        response = self.request("GET", "/accounts/me/", server=server)
        assert response.status in (200, 302), f"{response.status}: {response.text[:300]}"
        return response.status == 200


@dataclass
class Control:
    name: str
    port: int
    process: subprocess.Popen


@dataclass
class Cluster:
    values: dict[str, str]
    app_env: dict[str, str]
    seed: dict = field(default_factory=dict)
    _addresses: int = 0

    def __post_init__(self) -> None:
        self.dir = Path(self.values["CLUSTER_DIR"])
        self.url = self.values["CLUSTER_URL"]
        self.https_port = int(self.values["CLUSTER_HTTPS_PORT"])
        self.web_ports = [int(p) for p in self.values["CLUSTER_WEB_PORTS"].split(",")]
        self.pinned = [int(p) for p in self.values["CLUSTER_PINNED_PORTS"].split(",")]
        self.workers = int(self.values["CLUSTER_TASK_WORKERS"])
        self.tls = ssl.create_default_context()
        self.tls.check_hostname = False
        self.tls.verify_mode = ssl.CERT_NONE  # the cluster's throwaway self-signed certificate
        self._tokens = iter(())
        self._logins = iter(())

    # --- people ---------------------------------------------------------------------------------
    def phone(self, token: str = "") -> Phone:
        """A new phone, from a loopback address no other phone of the run uses."""
        self._addresses += 1
        n = self._addresses
        return Phone(self, f"127.{30 + n // 65000}.{(n // 250) % 250}.{n % 250 + 1}", token=token)

    def contestant(self) -> Phone:
        """A phone of a resident who uses the API with a token (each starts the open round once)."""
        return self.phone(next(self._tokens))

    def login_person(self) -> str:
        """The phone number of a resident who logs in with the password (each used by one check)."""
        return next(self._logins)

    # --- the cluster's processes ------------------------------------------------------------------
    def run_script(self, command: str, *extra: str) -> None:
        done = subprocess.run(["bash", str(SCRIPT), command, str(self.dir), *extra], cwd=ROOT, capture_output=True,
                              text=True, timeout=120)
        assert done.returncode == 0, f"cluster.sh {command}: {done.stderr[-2000:]}"

    def pid(self, name: str) -> int:
        return int((self.dir / f"{name}.pid").read_text().split()[0])

    def alive(self, name: str) -> bool:
        try:
            os.kill(self.pid(name), 0)
        except (OSError, ValueError):
            return False
        return True

    def kill(self, name: str) -> None:
        """SIGKILL a process started in a session of its own, and all of it (a machine lost)."""
        pid = self.pid(name)
        os.killpg(pid, signal.SIGKILL)
        wait_until(lambda: not _running(pid), seconds=10, message=f"{name} still running after SIGKILL")

    def python(self, *args: str, env: dict[str, str] | None = None, timeout: float = 600) -> str:
        """The project's code in the cluster's environment (its settings and database)."""
        done = subprocess.run([sys.executable, *args], cwd=ROOT, env={**self.app_env, **(env or {})},
                              capture_output=True, text=True, timeout=timeout)
        assert done.returncode == 0, f"{args}: {done.stderr[-3000:]}"
        return done.stdout

    def sql(self, query: str, params: tuple = (), database: str | None = None) -> list[tuple]:
        url = self.app_env["DATABASE_URL"]
        if database:
            url = url.rsplit("/", 1)[0] + "/" + database
        with psycopg.connect(url.replace("postgres://", "postgresql://"), autocommit=True) as connection:
            cursor = connection.execute(query, params)
            return cursor.fetchall() if cursor.description else []

    def log(self, name: str) -> str:
        path = self.dir / "logs" / f"{name}.log"
        return path.read_text(errors="replace") if path.exists() else ""

    # --- answers the clients saw acknowledged, against the database ---------------------------------
    def lost_answers(self, acks: dict[int, list[int]]) -> list[int]:
        """The items (AttemptQuestion ids) whose last acknowledged choices the database does not hold."""
        if not acks:
            return []
        rows = dict(self.sql("SELECT id, selected FROM quizzes_attemptquestion WHERE id = ANY(%s)", (list(acks),)))
        return [item for item, choices in acks.items() if sorted(rows.get(item) or []) != sorted(choices)]

    def made_twice(self, tokens: list[str]) -> int:
        """People (by token) with more than one attempt at the open round, or more than one standing."""
        rows = self.sql(
            "SELECT (SELECT COUNT(*) FROM quizzes_attempt a WHERE a.user_id = t.user_id AND a.quiz_id = %s), "
            "(SELECT COUNT(*) FROM quizzes_standing s WHERE s.user_id = t.user_id) "
            "FROM authtoken_token t WHERE t.key = ANY(%s)", (self.seed["quiz"], tokens))
        return sum(1 for attempts, standings in rows if attempts > 1 or standings > 1)


def _running(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except OSError:
        return False
    # A zombie (killed, not yet reaped by its parent) is gone for every purpose here.
    try:
        return Path(f"/proc/{pid}/stat").read_text().split()[2] != "Z"
    except OSError:
        return False


@pytest.fixture(scope="session")
def cluster() -> Cluster:
    path = os.environ.get("CLUSTER_ENV")
    if not path:
        pytest.skip("no cluster: run make test-cluster (it starts one and sets CLUSTER_ENV)")
    values = _read_env(Path(path))
    app_env = {**os.environ, **_read_env(Path(values["CLUSTER_DIR"]) / "app.env")}
    result = Cluster(values, app_env)
    result.seed = json.loads(result.python("-m", "tests.cluster.seed", "seed", str(TOKEN_PEOPLE)))
    result._tokens = iter(result.seed["tokens"])
    result._logins = iter(result.seed["logins"])
    return result


def _control(cluster: Cluster, name: str, env: dict[str, str]) -> Control:
    port = _free_port()
    log = cluster.dir / "logs" / f"control-{name}.log"
    process = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "-c", "config/gunicorn.py", "config.wsgi", "--workers", "1",
         "--bind", f"127.0.0.1:{port}"], cwd=ROOT, env={**cluster.app_env, **env}, stdout=log.open("a"),
        stderr=subprocess.STDOUT, start_new_session=True)

    def up() -> bool:
        if process.poll() is not None:
            pytest.fail(f"the control server {name} stopped: {log.read_text()[-2000:]}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return True
        except OSError:
            return False

    wait_until(up, seconds=60, message=f"the control server {name} did not start")
    return Control(name, port, process)


def _stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


@pytest.fixture(scope="session")
def loner(cluster: Cluster):
    """A server with a SECRET_KEY and a Redis of its own: what each server set up on its own gets."""
    tmp = Path(tempfile.mkdtemp(prefix="loner-redis-", dir=cluster.dir))
    redis_port = _free_port()
    subprocess.run(["redis-server", "--bind", "127.0.0.1", "--port", str(redis_port), "--daemonize", "yes",
                    "--pidfile", str(tmp / "redis.pid"), "--dir", str(tmp), "--save", "", "--appendonly", "no",
                    "--logfile", str(tmp / "redis.log")], check=True)
    wait_until(lambda: (tmp / "redis.pid").exists(), seconds=10, message="the loner's Redis did not start")
    control = _control(cluster, "loner", {"SECRET_KEY": secrets.token_urlsafe(50),
                                          "REDIS_URL": f"redis://127.0.0.1:{redis_port}/0"})
    yield control
    _stop(control.process)
    os.kill(int((tmp / "redis.pid").read_text()), signal.SIGTERM)


@pytest.fixture(scope="session")
def cache_sessions(cluster: Cluster):
    """A server like the cluster's but with the sessions in Redis alone (tests/cluster/control_settings.py)."""
    control = _control(cluster, "cache-sessions", {"DJANGO_SETTINGS_MODULE": "tests.cluster.control_settings"})
    yield control
    _stop(control.process)
