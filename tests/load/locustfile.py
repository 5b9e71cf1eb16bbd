"""Locust users for `make loadtest`: people who log in, read pages and save forms.

What to read and write comes from the plan that ``tests/load/server.py`` prepared
(LOADTEST_PLAN); a new kind of write is added there, not here. Each user logs in with the
CSRF token from the login form, then mostly reads (plan tree, 施策 pages and, once they
exist, the to-do and 施策-per-year pages), sometimes saves one of its own records through
the real form (GET the form for its version and token, POST, expect a redirect), and now
and then logs out and in again. At the end the figures go to LOADTEST_RESULT as JSON.
"""

import json
import os
import random
import re
import uuid
from collections import Counter, defaultdict
from pathlib import Path

from locust import HttpUser, between, events, task

try:
    from tests.load.form_answers import form_errors, is_conflict
except ImportError:  # run by locust, which puts this file's folder on sys.path
    from form_answers import form_errors, is_conflict

PLAN = json.loads(Path(os.environ["LOADTEST_PLAN"]).read_text("utf-8"))
LOGIN = "ログイン"
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
VERSION = re.compile(r'name="version" value="(\d+)"')

accounts = iter(PLAN["users"])
writes_sent: Counter = Counter()
conflicts: Counter = Counter()
RACE_KIND = "実施状況（同じ記録を同時に）"
CROSS_KIND = "ノード間（一方で保存・他方で表示）"
NODES = os.environ.get("LOADTEST_NODES", "").split()
node_times: dict[str, list[float]] = defaultdict(list)
cross_reads: Counter = Counter()  # fresh / stale


def node_label(index: int) -> str:
    return f"ノード{index + 1}"


@events.request.add_listener
def time_by_node(response_time, context, **kwargs) -> None:
    if "node" in context:
        node_times[context["node"]].append(response_time)


def percentile(times: list[float], share: float) -> float:
    ordered = sorted(times)
    return ordered[min(int(len(ordered) * share), len(ordered) - 1)] if ordered else 0


def csrf_token(html: str) -> str | None:
    found = CSRF.search(html)
    return found.group(1) if found else None


class Person(HttpUser):
    wait_time = between(0.5, 2)

    def on_start(self) -> None:
        account = next(accounts)  # one account per simulated person
        self.username = account["username"]
        self.writes = account["writes"]
        if NODES:  # people are split between the servers in turn
            index = PLAN["users"].index(account) % len(NODES)
            self.client.base_url = NODES[index]
            self.node = node_label(index)
        self.log_in()

    def context(self) -> dict:
        return {"node": self.node} if NODES else {}

    def log_in(self) -> None:
        page = self.client.get("/login/", name="/login/ (フォーム)")
        with self.client.post(
            "/login/",
            data={
                "username": self.username,
                "password": PLAN["password"],
                "csrfmiddlewaretoken": csrf_token(page.text) or "",
            },
            allow_redirects=False,
            catch_response=True,
            name="/login/ (送信)",
        ) as response:
            if response.status_code == 302 and "/login/" not in response.headers["Location"]:
                writes_sent[LOGIN] += 1
                response.success()
            else:
                response.failure(f"ログインできません: {response.status_code}")

    @task(30)
    def read_a_page(self) -> None:
        path = random.choice(PLAN["reads"])
        self.client.get(path, name=re.sub(r"/[0-9]-[0-9]+/", "/<施策>/", path))

    @task(6)
    def save_a_record(self) -> None:
        if not self.writes:
            return self.read_a_page()
        kind = random.choice(list(self.writes))
        target = random.choice(self.writes[kind])
        name = f"{kind} (フォーム)"
        form = self.client.get(target["path"], name=name)
        version = VERSION.search(form.text)
        data = {
            **target["fields"],
            "version": version.group(1) if version else "",
            "csrfmiddlewaretoken": csrf_token(form.text) or "",
        }
        with self.client.post(
            target["path"],
            data=data,
            allow_redirects=False,
            catch_response=True,
            name=f"{kind} (保存)",
        ) as response:
            if response.status_code == 302:
                writes_sent[kind] += 1
                response.success()
            elif kind == RACE_KIND and is_conflict(response.status_code, response.text):
                # The deliberate race: another person saved first; the app showed both
                # versions. Correct behaviour, counted apart from failures.
                conflicts[kind] += 1
                response.success()
            else:
                errors = form_errors(response.text)
                response.failure(f"{kind}を保存できません: {response.status_code} {errors}")

    # Rare, as in real use: a login costs about a second of CPU (PBKDF2, 1,000,000 rounds).
    @task(1)
    def log_out_and_in(self) -> None:
        page = self.client.get(PLAN["reads"][0])  # the plan tree, with the logout button
        self.client.post(
            "/logout/", data={"csrfmiddlewaretoken": csrf_token(page.text) or ""}, name="/logout/"
        )
        self.log_in()


if len(NODES) > 1:

    class CrossNodeChecker(HttpUser):
        """Saves its own 実施状況 through one server and reads the 施策-per-year page (served
        from the shared page cache) through the other, the servers swapping at each round;
        logs in once, so the other server must accept the session too."""

        fixed_count = 1
        wait_time = between(0.5, 1)

        def on_start(self) -> None:
            self.round = 0
            self.client.base_url = NODES[0]
            page = self.client.get("/login/", name="ノード間: ログイン (フォーム)")
            self.client.post(
                "/login/",
                data={
                    "username": PLAN["cross"]["username"],
                    "password": PLAN["password"],
                    "csrfmiddlewaretoken": csrf_token(page.text) or "",
                },
                name="ノード間: ログイン (送信)",
            )

        @task
        def save_on_one_read_on_the_other(self) -> None:
            self.round += 1
            writer, reader = NODES[self.round % 2], NODES[(self.round + 1) % 2]
            text = f"ノード間の確認 {uuid.uuid4().hex}"
            form = self.client.get(writer + PLAN["cross"]["form"], name=f"{CROSS_KIND} フォーム")
            version = VERSION.search(form.text)
            with self.client.post(
                writer + PLAN["cross"]["form"],
                data={
                    **PLAN["cross"]["fields"],
                    "activities": text,
                    "version": version.group(1) if version else "",
                    "csrfmiddlewaretoken": csrf_token(form.text) or "",
                },
                allow_redirects=False,
                catch_response=True,
                name=f"{CROSS_KIND} 保存",
            ) as response:
                if response.status_code != 302:
                    response.failure(f"保存できません: {response.status_code}")
                    return
                writes_sent[CROSS_KIND] += 1
            with self.client.get(
                reader + PLAN["cross"]["read"],
                allow_redirects=False,
                catch_response=True,
                name=f"{CROSS_KIND} 表示",
            ) as response:
                if response.status_code != 200:
                    response.failure(f"別のノードでセッションが使えません: {response.status_code}")
                elif text in response.text:
                    cross_reads["fresh"] += 1
                else:
                    cross_reads["stale"] += 1
                    response.failure("別のノードで古いページが表示されました")


@events.test_stop.add_listener
def save_result(environment, **kwargs) -> None:
    total = environment.stats.total
    result = {
        "users": int(os.environ.get("LOADTEST_USERS", "0")),
        "seconds": int(os.environ.get("LOADTEST_SECONDS", "0")),
        "requests": total.num_requests,
        "failures": total.num_failures,
        "rps": total.total_rps,
        "p50_ms": total.get_response_time_percentile(0.5) or 0,
        "p95_ms": total.get_response_time_percentile(0.95) or 0,
        "max_ms": total.max_response_time or 0,
        "write_kinds": PLAN["write_kinds"],
        "writes_sent": dict(writes_sent),
        "conflicts": dict(conflicts),
        "errors": {str(e.error): e.occurrences for e in environment.stats.errors.values()},
        "nodes": {
            node: {
                "requests": len(times),
                "p50_ms": percentile(times, 0.5),
                "p95_ms": percentile(times, 0.95),
            }
            for node, times in sorted(node_times.items())
        },
        "cross_reads": dict(cross_reads),
    }
    Path(os.environ["LOADTEST_RESULT"]).write_text(json.dumps(result, ensure_ascii=False))
