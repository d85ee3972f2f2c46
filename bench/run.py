#!/usr/bin/env python3
"""`make bench`: load Appward's release build on a fresh SQLite database (and on PostgreSQL
when DATABASE_URL is given) with oha, print one table, write bench/results/latest.json.

Row 0 is the ceiling: a bare axum hello-world (bench/ceiling) built with the same profile and
loaded the same way in the same run (three times: before, between and after the others).
Every rate is also given as a share of it, since absolute figures move a lot between machines
of the same kind and with whatever else the machine runs. Each row is the median of 3 runs.

Everything the load needs is created through the real endpoints: the Administrator signs in,
registers a trusted App and an account that registers 1,000 Apps. Only the 1,000,000 grants of
row 5 are written straight into a copy of the SQLite file (through the endpoint they would take
minutes), which a second server serves; row 5's runs alternate with row 3's.
"""
import gzip
import http.cookiejar
import json
import os
import platform
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
TARGET = os.environ.get("CARGO_TARGET_DIR") or os.path.join(ROOT, "target")
PROFILE = os.environ.get("BENCH_PROFILE", "release-lto")
SERVER = os.path.join(TARGET, PROFILE, "appward")
CEILING = os.path.join(TARGET, PROFILE, "appward-ceiling")
sys.path.insert(0, os.path.join(ROOT, "tools"))
from wasm_weight import bundle_wasm  # noqa: E402

WASM = str(bundle_wasm(os.path.join(ROOT, "target", "site", "pkg")))
RESULTS = os.path.join(ROOT, "bench", "results", "latest.json")
ADMIN_PASSWORD = "bench-admin-password"
OWNER_PASSWORD = "bench-owner-password"
DURATION = os.environ.get("BENCH_DURATION", "10s")
CONNECTIONS = 64
MANAGED_APPS = 1000
STORED_GRANTS = 1_000_000
RENDERS = 200
RUNS = 3


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """One release server process on a data folder (or DATABASE_URL), on a free port."""

    def __init__(self, data_dir, database_url=None, binary=SERVER, extra_env=None):
        self.data_dir = data_dir
        self.wal_bytes = 0
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        env = dict(os.environ)
        env.update(
            LEPTOS_SITE_ADDR=f"127.0.0.1:{self.port}",
            LEPTOS_SITE_ROOT=os.path.join(ROOT, "target", "site"),
            APPWARD_DATA_DIR=data_dir,
            APPWARD_ADMIN_PASSWORD=ADMIN_PASSWORD,
            APPWARD_PUBLIC_URL=self.url,
            DATABASE_URL=database_url or "",
            RUST_LOG=os.environ.get("RUST_LOG", "warn"),
        )
        if os.environ.get("BENCH_METRICS"):
            # Recording on, on a listener of each server's own (nobody scrapes it).
            env["APPWARD_METRICS_ADDR"] = f"127.0.0.1:{free_port()}"
        env.update(extra_env or {})
        self.log = open(os.path.join(data_dir, "server.log"), "ab")
        self.process = subprocess.Popen([binary], env=env, stdout=self.log, stderr=self.log)
        self.peak_rss_kb = 0
        deadline = time.time() + 60
        while time.time() < deadline:
            try:
                urllib.request.urlopen(self.url + "/livez", timeout=1).read()
                return
            except OSError:
                if self.process.poll() is not None:
                    sys.exit(f"the server exited; see {self.log.name}")
                time.sleep(0.1)
        sys.exit("the server did not start within 60 s")

    def peak_rss(self):
        """VmHWM: the highest resident set size the process has had so far, in KB."""
        with open(f"/proc/{self.process.pid}/status") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    self.peak_rss_kb = max(self.peak_rss_kb, int(line.split()[1]))
        return self.peak_rss_kb

    def stop(self):
        """Stops the server; its peak RSS and the size of its WAL file just before are kept."""
        self.peak_rss()
        wal = os.path.join(self.data_dir, "appward.db-wal")
        self.wal_bytes = os.path.getsize(wal) if os.path.exists(wal) else 0
        self.process.send_signal(signal.SIGTERM)
        self.process.wait(timeout=30)
        self.log.close()


class Browser:
    """A cookie-keeping client calling server functions as the hydrated console does."""

    def __init__(self, url):
        self.url = url
        self.cookies = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.cookies))

    def call(self, name, fields):
        body = urllib.parse.urlencode(fields).encode()
        request = urllib.request.Request(
            f"{self.url}/api/{name}",
            data=body,
            headers={"content-type": "application/x-www-form-urlencoded",
                     "sec-fetch-site": "same-origin"},
        )
        with self.opener.open(request) as response:
            return json.loads(response.read() or b"null")

    def sign_in(self, login, password):
        self.call("sign_in", {"login": login, "password": password})
        return self

    def cookie_header(self):
        return "; ".join(f"{c.name}={c.value}" for c in self.cookies)


def app_form(name, trusted):
    form = {
        "form[name]": name,
        "form[description]": f"{name}: an App registered by the benchmark",
        "form[homepage]": "https://example.com/",
        "form[image_url]": "",
        "form[admin_email]": "bench@example.com",
        "form[admin_phone]": "",
        "form[redirect_url]": "https://example.com/callback",
    }
    if trusted:
        form["form[trusted]"] = "on"
    return form


def seed(server):
    """The trusted App (the Administrator's) and its first token, then the owner of 1,000 Apps."""
    admin = Browser(server.url).sign_in("admin", ADMIN_PASSWORD)
    created = admin.call("create_app", {"api": "unified", **app_form("Bench", True)})
    app = {"key": created["app"]["key"], "secret": created["secret"]}
    token = post_form(server.url + "/oauth/token", {
        "grant_type": "client_credentials",
        "client_id": app["key"], "client_secret": app["secret"],
    })["access_token"]
    admin.call("create_account", {
        "form[login]": "owner", "form[name]": "Owner of 1000 Apps",
        "form[password]": OWNER_PASSWORD, "form[level]": "organization", "form[parent]": "",
    })
    return app, token, Browser(server.url).sign_in("owner", OWNER_PASSWORD)


def register_managed_apps(browser):
    started = time.time()
    for number in range(1, MANAGED_APPS + 1):
        browser.call("create_app", {"api": "unified", **app_form(f"App {number:04}", False)})
    return time.time() - started


def post_form(url, fields):
    request = urllib.request.Request(url, data=urllib.parse.urlencode(fields).encode())
    with urllib.request.urlopen(request) as response:
        return json.loads(response.read())


def oha(url, method="GET", body=None, headers=(), connections=CONNECTIONS, duration=DURATION,
        requests=None):
    command = ["oha", "--no-tui", "--output-format", "json", "-w", "-c", str(connections),
               "-m", method, url]
    command += ["-n", str(requests)] if requests else ["-z", duration]
    for header in headers:
        command += ["-H", header]
    if body is not None:
        command += ["-d", body, "-H", "content-type: application/x-www-form-urlencoded"]
    out = subprocess.run(command, check=True, capture_output=True, text=True).stdout
    report = json.loads(out)
    statuses = report.get("statusCodeDistribution", {})
    errors = sum(report.get("errorDistribution", {}).values())
    errors += sum(n for code, n in statuses.items() if not code.startswith("2"))
    percentiles = report["latencyPercentiles"]
    return {
        "requests_per_second": round(report["summary"]["requestsPerSec"], 1),
        "p50_ms": round(percentiles["p50"] * 1000, 2),
        "p99_ms": round(percentiles["p99"] * 1000, 2),
        "requests": sum(statuses.values()) + sum(report.get("errorDistribution", {}).values()),
        "errors": errors,
        "statuses": statuses,
    }


def median_of(results):
    """The run with the median rate, with every run's rate and all runs' errors."""
    results = sorted(results, key=lambda r: r["requests_per_second"])
    median = dict(results[len(results) // 2])
    median["runs_requests_per_second"] = [r["requests_per_second"] for r in results]
    median["errors"] = sum(r["errors"] for r in results)
    return median


def median_of_runs(measure, runs=RUNS):
    """Runs `measure` `runs` times: the median run."""
    return median_of([measure() for _ in range(runs)])


def interleaved_medians(measures, runs=RUNS):
    """One run of each measure per round, `runs` rounds; the median run of each. Rows compared
    with each other (row 5 with row 3) then see the same moments of the machine, whose
    capacity drifts by tens of percent within minutes."""
    results = [[] for _ in measures]
    for _ in range(runs):
        for runs_of, measure in zip(results, measures):
            runs_of.append(measure())
    return [median_of(runs_of) for runs_of in results]


def ceiling_run(data_dir):
    """One load of the bare axum hello-world, started for it and stopped after."""
    server = Server(data_dir, binary=CEILING)
    try:
        return oha(server.url + "/livez")
    finally:
        server.stop()


def me(server, token):
    """One load of GET /uapi/v1/me with `token`."""
    return oha(server.url + "/uapi/v1/me", headers=[f"authorization: Bearer {token}"])


def oauth_rows(server, app, token, prefix="", stored_dir=None):
    """Rows 2–4: client credentials, /uapi/v1/me, introspection. With `stored_dir` (a copy of
    the database with 1,000,000 grants more), also row 5, on a second server started for it
    after row 2, its runs interleaved with row 3's. (rows, that server once stopped, or None)."""
    introspection = urllib.parse.urlencode({
        "token": token, "client_id": app["key"], "client_secret": app["secret"],
    })
    rows = [(prefix + "POST /oauth/token (client credentials)",
             median_of_runs(lambda: client_credentials(server, app)))]
    stored, stored_rows = None, []
    if stored_dir is None:
        rows.append((prefix + "GET /uapi/v1/me", median_of_runs(lambda: me(server, token))))
    else:
        stored = Server(stored_dir)
        try:
            plain, many = interleaved_medians([lambda: me(server, token),
                                               lambda: me(stored, token)])
        finally:
            stored.stop()
        rows.append((prefix + "GET /uapi/v1/me", plain))
        stored_rows.append((f"GET /uapi/v1/me, {STORED_GRANTS:,} grants stored", many))
    rows.append((prefix + "POST /oauth/introspect",
                 median_of_runs(lambda: oha(server.url + "/oauth/introspect", "POST",
                                            introspection))))
    return rows + stored_rows, stored


def client_credentials(server, app, duration=DURATION):
    """One oha run of client-credentials token requests."""
    credentials = urllib.parse.urlencode({
        "grant_type": "client_credentials",
        "client_id": app["key"], "client_secret": app["secret"],
    })
    return oha(server.url + "/oauth/token", "POST", credentials, duration=duration)


def with_a_reader(server, app):
    """Client credentials while another connection holds one read transaction (one snapshot)
    on the database for the whole run, as a backup or a report does: one run."""
    import threading
    seconds = float(DURATION.rstrip("s"))
    holding = threading.Event()

    def reader():
        db = sqlite3.connect(os.path.join(server.data_dir, "appward.db"), timeout=30,
                             isolation_level=None)
        db.execute("BEGIN")
        db.execute("SELECT count(*) FROM token_grant").fetchone()
        holding.set()
        time.sleep(seconds + 0.5)
        db.execute("COMMIT")
        db.close()

    thread = threading.Thread(target=reader)
    thread.start()
    holding.wait()
    row = client_credentials(server, app)
    thread.join()
    row["runs_requests_per_second"] = [row["requests_per_second"]]
    # How long the WAL, grown behind the reader, takes to come back under its 64 MB bound.
    ended, wal = time.time(), os.path.join(server.data_dir, "appward.db-wal")
    row["wal_bytes_when_the_reader_ended"] = os.path.getsize(wal) if os.path.exists(wal) else 0
    while os.path.exists(wal) and os.path.getsize(wal) > 64 * 1024 * 1024 \
            and time.time() - ended < 60:
        time.sleep(0.1)
    row["wal_back_under_64_mb_s"] = round(time.time() - ended, 1)
    return row


def copy_with_grants(data_dir, count):
    """A new data folder: the key file and a copy of the running server's database (SQLite's
    online backup), with `count` grants written into it; (folder, seconds the grants took)."""
    copy = tempfile.mkdtemp(prefix="appward-bench-stored-")
    shutil.copy(os.path.join(data_dir, "secret.key"), copy)
    source = sqlite3.connect(os.path.join(data_dir, "appward.db"), timeout=30)
    target = sqlite3.connect(os.path.join(copy, "appward.db"))
    source.backup(target)
    target.execute("PRAGMA journal_mode=wal")
    target.close()
    source.close()
    return copy, store_grants(copy, count)


def store_grants(data_dir, count):
    """Writes `count` grants of the 1,000 Apps straight into the SQLite file, as if issued."""
    started = time.time()
    db = sqlite3.connect(os.path.join(data_dir, "appward.db"), timeout=30)
    now = int(time.time())
    apps = [row[0] for row in db.execute("SELECT id FROM app ORDER BY id")]
    accounts = [row[0] for row in db.execute("SELECT id FROM account ORDER BY id")]
    db.execute(
        """
        WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ?)
        INSERT INTO token_grant (app_id, account_id, kind, access_hash, access_expires_at,
            refresh_hash, refresh_expires_at, created_at, last_used_at, user_agent, client_addr)
        SELECT ? + (i % ?), ? + (i % ?), 'authorization_code',
            lower(hex(randomblob(32))), ? + (i % 7200) - 3600,
            lower(hex(randomblob(32))), ? + 2592000 - (i % 86400),
            ? - (i % 86400), ? - (i % 3600), 'bench/1.0', '127.0.0.1'
        FROM n
        """,
        (count, apps[0], len(apps), accounts[0], len(accounts), now, now, now, now),
    )
    db.commit()
    db.close()
    return time.time() - started


def ssr_row(server, browser):
    """Row 6: the Apps Management tab rendered on the server, one connection."""
    return median_of_runs(lambda: oha(server.url + "/apps?tab=management&api=unified",
                                      headers=[f"cookie: {browser.cookie_header()}"],
                                      connections=1, requests=RENDERS))


def wasm_size():
    """The wasm's bytes, and gzipped as it is served: the `.gz` file beside it (Zopfli, made by
    `make server-lto`), else gzip -9 of the wasm; gzip -9 is reported as well."""
    with open(WASM, "rb") as wasm:
        raw = wasm.read()
    gzip_9 = len(gzip.compress(raw, 9))
    served = WASM + ".gz"
    return {"raw_bytes": len(raw),
            "gzip_bytes": os.path.getsize(served) if os.path.exists(served) else gzip_9,
            "gzip_9_bytes": gzip_9}


def wasm_weight():
    """Item 5 of issue 18: the wasm's bytes on the wire (the Brotli and gzip files that
    `--precompress` writes) and its ten heaviest functions (tools/wasm_weight.py, from the
    linker's output, which still has its name section)."""
    linked = os.path.join(TARGET, "front", "wasm32-unknown-unknown", "wasm-release",
                          "appward.wasm")
    out = subprocess.run([sys.executable, os.path.join(ROOT, "tools", "wasm_weight.py"),
                          os.path.dirname(WASM), linked, "10"], capture_output=True, text=True)
    if out.returncode != 0:
        return [f"wasm weight: {out.stderr.strip()}"]
    weight = json.loads(out.stdout)
    lines = []
    if "brotli_bytes" in weight:
        lines.append(f"wasm on the wire: {weight['brotli_bytes'] / 1024:,.0f} KB as Brotli"
                     f" (target ≤ 300 KB: {'met' if weight['brotli_bytes'] <= 300 * 1024 else 'MISSED'})")
    if weight.get("top"):
        lines.append("wasm top 10 functions (bytes, before wasm-opt):")
        lines += [f"  {item['bytes']:>7,}  {item['name']}" for item in weight["top"]]
    return lines


def machine():
    model = "unknown"
    with open("/proc/cpuinfo") as cpuinfo:
        for line in cpuinfo:
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    return {"cpus": os.cpu_count(), "cpu": model, "kernel": platform.release(),
            "oha": subprocess.run(["oha", "--version"], capture_output=True, text=True)
            .stdout.strip()}


def fresh_postgres_database(url):
    """A new, empty database beside the one DATABASE_URL names; dropped at the end."""
    name = f"appward_bench_{os.getpid()}"
    subprocess.run(["psql", url, "-qc", f"CREATE DATABASE {name}"], check=True)
    parts = urllib.parse.urlsplit(url)
    return name, urllib.parse.urlunsplit(parts._replace(path="/" + name))


def targets(rows, ceiling):
    """Issue 18's targets, as shares of the ceiling: (text, met) per row number."""
    by = {n: row for n, (_, row) in enumerate(rows, 1)}
    share = {n: row["requests_per_second"] / ceiling for n, row in by.items()}
    return {
        1: ("≥ 85% of the ceiling", share[1] >= 0.85),
        2: ("≥ 10% of the ceiling, p99 ≤ 15 ms", share[2] >= 0.10 and by[2]["p99_ms"] <= 15),
        3: ("≥ 30% of the ceiling, p99 ≤ 6 ms", share[3] >= 0.30 and by[3]["p99_ms"] <= 6),
        4: ("≥ 20% of the ceiling", share[4] >= 0.20),
        5: ("≥ 90% of row 3", by[5]["requests_per_second"] >= 0.9 * by[3]["requests_per_second"]),
        6: ("p50 ≤ 50 ms", by[6]["p50_ms"] <= 50),
    }


def print_table(rows, ceiling):
    goals = targets(rows, ceiling["requests_per_second"])
    print()
    print(f"{'#':>2}  {'what':<56} {'req/s':>8} {'p50 ms':>7} {'p99 ms':>7} {'errors':>6} "
          f"{'share':>6}  target")
    print(f"{0:>2}  {'ceiling: bare axum hello-world, GET /livez':<56} "
          f"{ceiling['requests_per_second']:>8,.0f} {ceiling['p50_ms']:>7.2f} "
          f"{ceiling['p99_ms']:>7.2f} {ceiling['errors']:>6} {1:>6.1%}")
    for number, (what, row) in enumerate(rows, 1):
        share = row["requests_per_second"] / ceiling["requests_per_second"]
        row["share_of_ceiling"] = round(share, 4)
        goal = ""
        if number in goals:
            text, met = goals[number]
            row["target"], row["target_met"] = text, met
            goal = f"{text}: {'met' if met else 'MISSED'}"
        print(f"{number:>2}  {what:<56} {row['requests_per_second']:>8,.0f} "
              f"{row['p50_ms']:>7.2f} {row['p99_ms']:>7.2f} {row['errors']:>6} {share:>6.1%}  "
              f"{goal}")


def main():
    for binary in (SERVER, CEILING, WASM):
        if not os.path.exists(binary):
            sys.exit(f"missing {binary}: build first (make bench does)")
    rows = []
    ceiling_runs = []
    data_dir = tempfile.mkdtemp(prefix="appward-bench-")
    report = {"machine": machine(), "profile": PROFILE,
              "started_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())}
    stored_dir = None
    try:
        ceiling_runs.append(ceiling_run(data_dir))
        server = Server(data_dir)
        app, token, owner = seed(server)
        report["registering_1000_apps_s"] = round(register_managed_apps(owner), 1)
        print(f"seeded: a trusted App, an account with {MANAGED_APPS} Apps "
              f"({report['registering_1000_apps_s']} s through create_app)", flush=True)
        stored_dir, took = copy_with_grants(data_dir, STORED_GRANTS)
        report["storing_1000000_grants_s"] = round(took, 1)
        rows.append(("GET /livez (touches nothing)", median_of_runs(lambda: oha(server.url + "/livez"))))
        ceiling_runs.append(ceiling_run(data_dir))
        oauth, stored = oauth_rows(server, app, token, stored_dir=stored_dir)
        rows += oauth
        rows.append(("GET /apps?tab=management, 1,000 Apps, SSR, 1 connection",
                     ssr_row(server, owner)))
        rows.append((f"POST /oauth/token, a reader holding a snapshot {DURATION}",
                     with_a_reader(server, app)))
        server.stop()
        report["wal_bytes_at_end"] = max(server.wal_bytes, stored.wal_bytes)
        report["server_peak_rss_kb"] = max(server.peak_rss_kb, stored.peak_rss_kb)
        ceiling_runs.append(ceiling_run(data_dir))
        full = Server(data_dir, extra_env={"APPWARD_SYNCHRONOUS": "full"})
        try:
            rows.append(("POST /oauth/token, APPWARD_SYNCHRONOUS=full",
                         median_of_runs(lambda: client_credentials(full, app))))
        finally:
            full.stop()
        database_url = os.environ.get("DATABASE_URL")
        if database_url:
            name, url = fresh_postgres_database(database_url)
            try:
                pg_dir = tempfile.mkdtemp(prefix="appward-bench-pg-")
                server = Server(pg_dir, url)
                app, token, _ = seed(server)
                rows += oauth_rows(server, app, token, prefix="PostgreSQL: ")[0]
                server.stop()
                report["postgres_server_peak_rss_kb"] = server.peak_rss_kb
            finally:
                subprocess.run(["psql", database_url, "-qc", f"DROP DATABASE IF EXISTS {name}"])
    finally:
        shutil.rmtree(data_dir, ignore_errors=True)
        if stored_dir:
            shutil.rmtree(stored_dir, ignore_errors=True)
    ceiling_runs.sort(key=lambda r: r["requests_per_second"])
    ceiling = dict(ceiling_runs[len(ceiling_runs) // 2])
    ceiling["runs_requests_per_second"] = [r["requests_per_second"] for r in ceiling_runs]
    ceiling["errors"] = sum(r["errors"] for r in ceiling_runs)
    report["ceiling"] = ceiling
    print_table(rows, ceiling)
    report["rows"] = [{"row": n, "what": what, **row} for n, (what, row) in enumerate(rows, 1)]
    report["wasm"] = wasm_size()
    print()
    print("each row: the median of 3 runs; runs (req/s): "
          + "; ".join(f"{n}: {', '.join(f'{r:,.0f}' for r in row['runs_requests_per_second'])}"
                      for n, (_, row) in enumerate([("ceiling", ceiling)] + rows)))
    wasm_gz_kb = report['wasm']['gzip_bytes'] / 1024
    peak_mb = report['server_peak_rss_kb'] / 1024
    wal_mb = report["wal_bytes_at_end"] / (1024 * 1024)
    print(f"wasm: {report['wasm']['raw_bytes'] / 1024:,.0f} KB raw, {wasm_gz_kb:,.0f} KB gzipped"
          f" as served ({report['wasm']['gzip_9_bytes'] / 1024:,.0f} KB with gzip -9)"
          f" (target ≤ 350 KB gzipped: {'met' if wasm_gz_kb <= 350 else 'MISSED'})")
    for line in wasm_weight():
        print(line)
    print(f"server peak resident memory: {peak_mb:,.1f} MB"
          f" (target ≤ 80 MB: {'met' if peak_mb <= 80 else 'MISSED'})")
    print(f"WAL file at the end: {wal_mb:,.1f} MB (target ≤ 64 MB: "
          f"{'met' if wal_mb <= 64 else 'MISSED'})")
    behind = next(row for what, row in rows if "a reader holding" in what)
    print(f"WAL behind the 10 s reader: {behind['wal_bytes_when_the_reader_ended'] / (1 << 20):,.0f} MB"
          f" when it ended, back under 64 MB {behind['wal_back_under_64_mb_s']} s later")
    m = report["machine"]
    print(f"machine: {m['cpus']} × {m['cpu']}, Linux {m['kernel']}, {m['oha']}")
    os.makedirs(os.path.dirname(RESULTS), exist_ok=True)
    with open(RESULTS, "w") as out:
        json.dump(report, out, indent=2)
    print(f"written: {os.path.relpath(RESULTS, ROOT)}")


if __name__ == "__main__":
    main()
