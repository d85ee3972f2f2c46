"""Prints the failed Playwright tests of the JSON reports named on the command line, last,
so that a failure is the tail of `make test`'s output (cargo-leptos prints its own error
and backtrace after Playwright's report)."""
import json
import sys


def failures(suite, titles=()):
    for child in suite.get("suites", []):
        yield from failures(child, (*titles, child.get("title", "")))
    for spec in suite.get("specs", []):
        for test in spec.get("tests", []):
            for result in test.get("results", []):
                if result.get("status") not in ("passed", "skipped"):
                    message = (result.get("error") or {}).get("message", "")
                    yield " › ".join(t for t in (*titles, spec["title"]) if t), result["status"], message


for report in sys.argv[1:]:
    try:
        with open(report) as file:
            data = json.load(file)
    except OSError:
        print(f"no report at {report}: Playwright did not run to the end")
        continue
    for title, status, message in failures(data):
        print(f"FAILED ({status}): {title}")
        for line in message.splitlines()[:12]:
            print(f"    {line}")
