import json
import os
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.core.management import BaseCommand, CommandError
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from ops import bench

BENCH_USER = "bench-secretariat"


def _env_ks() -> list[int]:
    return [int(k) for k in os.environ.get("BENCH_KS", "1,10,100").split(",") if k.strip()]


def _pages() -> list[bench.Page]:
    try:
        return bench.selected_pages(os.environ.get("BENCH_PAGES", ""))
    except ValueError as error:
        raise CommandError(str(error)) from error


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass(frozen=True)
class _Plan:
    """How each page is loaded: the client (wrk, else Python), seconds, rounds, connections,
    and which pages (``BENCH_PAGES``, with their floors)."""

    wrk: str | None
    seconds: int
    rounds: int
    connections: int
    pages: list[bench.Page]


class Command(BaseCommand):
    help = (
        "ベンチマーク: k 倍の試験データ（BENCH_KS、既定 1,10,100）ごとに gunicorn を起動し、"
        "各ページの SQL 数・毎秒リクエスト数（基準ページ比）・p50/p95 を表にします。"
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--probe",
            metavar="PLAN",
            help="(内部用) このプロセスの DB で各ページの SQL 数を数え、ログイン済みセッションを作る",
        )

    def handle(self, *args, probe: str | None, **options) -> None:
        if probe:
            self._probe(probe)
            return
        ks = _env_ks()
        plan = _Plan(
            wrk=self._wrk(),
            seconds=int(os.environ.get("BENCH_SECONDS", "10")),
            rounds=int(os.environ.get("BENCH_ROUNDS", "3")),
            connections=int(os.environ.get("BENCH_CONNECTIONS", "8")),
            pages=_pages(),
        )
        self.stdout.write(
            f"k = {ks}, {plan.seconds} s × {plan.connections} connections per page "
            f"in {plan.rounds} interleaved rounds, "
            f"{'wrk' if plan.wrk else 'Python client (wrk missing)'}"
        )
        results: list[bench.Result] = []
        for k in ks:
            results += self._size(k, plan)
        bench.add_ratios(results)
        self.stdout.write("")
        self.stdout.write(bench.format_table(results))
        self.stdout.write("")
        for line in bench.check_targets(results):
            self.stdout.write(line)

    def _size(self, k: int, plan: "_Plan") -> list[bench.Result]:
        """Every page at one size, on its own database and gunicorn."""
        env = self._build(k)
        probe_out = self._manage(env, "bench", "--probe", f"scale-k{k}", capture=True)
        probed = json.loads(probe_out.strip().splitlines()[-1])
        cookies = {
            role: f"{settings.SESSION_COOKIE_NAME}={session}"
            for role, session in probed["sessions"].items()
        }
        port = _free_port()
        server = self._gunicorn(env, port)
        try:
            rounds = self._rounds(port, k, cookies, plan)
        finally:
            server.terminate()
            server.wait(timeout=30)
        results = []
        for page in plan.pages:
            rps, p50, p95, errors = bench.combine(rounds[page.label])
            results.append(
                bench.Result(
                    page=page.label,
                    k=k,
                    queries=probed["queries"][page.label],
                    rps=rps,
                    p50_ms=p50,
                    p95_ms=p95,
                    errors=errors,
                    floor=bench.floor_for(page),
                )
            )
            self.stdout.write(f"  k={k} {page.label}: {rps:.1f} req/s")
        return results

    def _rounds(self, port: int, k: int, cookies: dict, plan: "_Plan") -> dict[str, list]:
        """Each page loaded in turn, ``plan.rounds`` times over (interleaved, so that a
        noisy moment of the machine does not fall on one page only)."""
        rounds: dict[str, list] = {page.label: [] for page in plan.pages}
        for page in plan.pages:  # warm the shared cache and the workers
            self._get(self._url(port, page, k), cookies.get(page.login))
        idle = self._idle_latency(port)
        for _round in range(plan.rounds):
            for page in plan.pages:
                # Requests a previous page left queued would be counted against this
                # one (or make it measure 0 requests/s): start each on an idle server.
                self._wait_until_idle(port, idle)
                rounds[page.label].append(
                    self._load(
                        plan.wrk,
                        self._url(port, page, k),
                        cookies.get(page.login),
                        seconds=max(2, round(plan.seconds / plan.rounds)),
                        connections=plan.connections,
                    )
                )
        return rounds

    # --- one size -------------------------------------------------------------------

    def _build(self, k: int) -> dict[str, str]:
        """A database with the real plan and the k-times plan; returns the environment."""
        env = {
            **os.environ,
            "DEBUG": "0",
            "SECRET_KEY": secrets.token_urlsafe(50),
            "HTTPS": "0",
            "ALLOWED_HOSTS": "127.0.0.1",
            "LOG_LEVEL": "ERROR",
            "REQUEST_LOG_LEVEL": "ERROR",  # no line per request on the bench's terminal
        }
        postgres = os.environ.get("DATABASE_URL", "").startswith("postgres")
        if not postgres:
            path = Path(tempfile.gettempdir()) / f"plan-bench-k{k}.sqlite3"
            env["DATABASE_URL"] = f"sqlite:///{path}"
            reuse = os.environ.get("BENCH_REUSE") == "1" and path.exists()
            if not reuse:
                path.unlink(missing_ok=True)
        else:
            reuse = False
        started = time.perf_counter()
        self._manage(env, "migrate", "--verbosity", "0")
        if not reuse:
            if postgres:
                self._manage(env, "flush", "--noinput", "--verbosity", "0")
            self._manage(env, "createcachetable")
            self._manage(env, "load_plan", "--verbosity", "0")
            self._manage(env, "generate_scale_data", "--k", str(k), "--entry-year")
        self._manage(env, "createcachetable")
        self._manage(env, "collectstatic", "--noinput", "--verbosity", "0")
        # After collectstatic: the pages of an edition name the static files by their manifest.
        # A year that already has its edition (a reused database) is left as it is.
        self._manage(
            env, "build_editions", "--plan", f"scale-k{k}", "--year", str(bench.EDITION_YEAR)
        )
        self.stdout.write(f"k={k}: database ready in {time.perf_counter() - started:.0f} s")
        return env

    def _manage(self, env: dict[str, str], *args: str, capture: bool = False) -> str:
        command = [sys.executable, str(settings.BASE_DIR / "manage.py"), *args]
        done = subprocess.run(command, env=env, capture_output=True, text=True)
        if done.returncode:
            raise CommandError(f"{' '.join(args)} failed:\n{done.stdout}\n{done.stderr}")
        return done.stdout if capture else ""

    def _gunicorn(self, env: dict[str, str], port: int) -> subprocess.Popen:
        workers = max(2, os.cpu_count() or 2)
        gunicorn = Path(sys.executable).with_name("gunicorn")
        server = subprocess.Popen(
            [
                str(gunicorn),
                "plan.wsgi:application",
                "--bind",
                f"127.0.0.1:{port}",
                "--workers",
                str(workers),
                "--chdir",
                str(settings.BASE_DIR),
                "--log-level",
                "warning",
            ],
            env=env,
        )
        deadline = time.time() + 60
        while time.time() < deadline:
            try:
                self._get(f"http://127.0.0.1:{port}/floor/", None)
                return server
            except OSError:
                time.sleep(0.3)
        server.terminate()
        raise CommandError("gunicorn did not start")

    def _floor_latency(self, port: int) -> float:
        started = time.perf_counter()
        self._get(f"http://127.0.0.1:{port}/floor/", None)
        return time.perf_counter() - started

    def _idle_latency(self, port: int) -> float:
        """The floor's latency, one request at a time, on the server with nothing else to do."""
        return min(self._floor_latency(port) for _ in range(10))

    def _wait_until_idle(self, port: int, idle: float, limit: float = 120.0) -> None:
        """Wait until three floor requests in a row answer about as fast as on an idle
        server: the workers have finished whatever the last load left queued."""
        deadline = time.perf_counter() + limit
        calm = 0
        while calm < 3:
            if time.perf_counter() > deadline:
                self.stdout.write(f"  (the server was still busy after {limit:.0f} s)")
                return
            calm = calm + 1 if self._floor_latency(port) <= max(3 * idle, idle + 0.02) else 0
            if not calm:
                time.sleep(0.2)

    @staticmethod
    def _url(port: int, page: bench.Page, k: int) -> str:
        return f"http://127.0.0.1:{port}{page.url(f'scale-k{k}')}"

    @staticmethod
    def _get(url: str, cookie: str | None) -> None:
        request = urllib.request.Request(url, headers={"Cookie": cookie} if cookie else {})
        with urllib.request.urlopen(request, timeout=120) as response:
            response.read()

    def _wrk(self) -> str | None:
        """wrk from Debian's packages, installed when missing and we may; else None."""
        found = shutil.which("wrk")
        if found or os.environ.get("BENCH_NO_INSTALL") == "1":
            return found
        if shutil.which("apt-get") and os.geteuid() == 0:
            self.stdout.write("installing wrk (apt-get) …")
            env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}

            def apt_get(*args: str) -> int:
                return subprocess.run(
                    ["apt-get", *args, "-qq"],
                    env=env,
                    stdout=subprocess.DEVNULL,
                    stderr=subprocess.DEVNULL,
                ).returncode

            if apt_get("install", "-y", "wrk"):
                apt_get("update")
                apt_get("install", "-y", "wrk")
        return shutil.which("wrk")

    def _load(
        self, wrk: str | None, url: str, cookie: str | None, *, seconds: int, connections: int
    ) -> tuple[float, float, float, int]:
        if not wrk:
            return bench.python_load(url, connections=connections, seconds=seconds, cookie=cookie)
        with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
            script.write(bench.WRK_SCRIPT)
        try:
            command = [
                wrk,
                "-t2",
                f"-c{connections}",
                f"-d{seconds}s",
                "--timeout",
                "30s",
                "-s",
                script.name,
            ]
            if cookie:
                command += ["-H", f"Cookie: {cookie}"]
            done = subprocess.run([*command, url], capture_output=True, text=True, check=True)
            return bench.parse_wrk(done.stdout)
        finally:
            os.unlink(script.name)

    # --- in-process query counts ----------------------------------------------------

    def _probe(self, plan: str) -> None:
        """Count each page's queries in steady state (after one request warmed the cache)
        and print them with a logged-in session key per role for the load driver, as JSON:
        the bench's own 事務局 user, the scale plan's second member and its 市 staff."""
        from django.contrib.auth import get_user_model

        from people.models import Participant, Role
        from policies.models import Plan

        User = get_user_model()
        secretariat, _ = User.objects.get_or_create(username=BENCH_USER)
        participant, _ = Participant.objects.get_or_create(
            user=secretariat, defaults={"role": Role.SECRETARIAT}
        )
        participant.plans.add(*Plan.objects.all())  # the 事務局 of every plan it measures
        users = {
            bench.SECRETARIAT: secretariat,
            bench.MEMBER: User.objects.get(username=f"{plan}-member-2"),
            bench.STAFF: User.objects.get(username=f"{plan}-staff-city"),
        }
        clients: dict[str | None, Client] = {None: Client(HTTP_HOST="127.0.0.1")}
        for role, user in users.items():
            clients[role] = Client(HTTP_HOST="127.0.0.1")
            clients[role].force_login(user)
        queries = {}
        pages = _pages()
        for page in pages:
            client = clients[page.login]
            path = page.url(plan)
            first = client.get(path)
            if first.status_code != 200:
                raise CommandError(f"{page.label} {path}: HTTP {first.status_code}")
            if page.label.startswith("form: ") and b'name="version"' not in first.content:
                raise CommandError(f"{page.label} {path}: the form is not editable")
            with CaptureQueriesContext(connection) as captured:
                client.get(path)
            queries[page.label] = len(captured)
        sessions = {
            role: clients[role].cookies[settings.SESSION_COOKIE_NAME].value for role in users
        }
        self.stdout.write(json.dumps({"queries": queries, "sessions": sessions}))
