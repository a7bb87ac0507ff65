"""Helpers for scripts/security_scan.sh (standard library only).

    free-port                          print a free TCP port on 127.0.0.1
    wait URL [SECONDS]                 wait until URL answers 200
    login BASE EMAIL PASSWORD OUT UA   log in through the real form (CSRF token
                                       included) and write wapiti's JSON cookie file
    report --accepted FILE [--access-log LOG] NAME=REPORT.json ...
                                       summarise wapiti reports; exit 1 on findings
                                       not in the accepted list, on 500 anomalies,
                                       and on 5xx answers in gunicorn's access log

The scanned server is our own throwaway gunicorn on 127.0.0.1 with a
self-signed certificate made for this run, hence the unverified TLS context.
"""

from __future__ import annotations

import http.cookiejar
import json
import re
import socket
import ssl
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

# Our own scan target with a certificate made seconds ago: nothing to verify.
_TLS = ssl._create_unverified_context()  # noqa: S323


def free_port() -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        print(sock.getsockname()[1])


def wait(url: str, seconds: str = "30") -> None:
    if not url.startswith(("http://", "https://")):
        sys.exit(f"wait: {url!r} is not an http(s) URL")
    deadline = time.monotonic() + float(seconds)
    last = ""
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=2, context=_TLS) as response:  # noqa: S310
                if response.status == 200:
                    return
                last = f"HTTP {response.status}"
        except (urllib.error.URLError, OSError) as exc:
            last = str(exc)
        time.sleep(0.3)
    sys.exit(f"{url} did not answer 200 within {seconds} s ({last})")


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def login(base: str, email: str, password: str, out: str, user_agent: str) -> None:
    if not base.startswith(("http://", "https://")):
        sys.exit(f"login: {base!r} is not an http(s) URL")
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(
        urllib.request.HTTPSHandler(context=_TLS),
        urllib.request.HTTPCookieProcessor(jar),
        _NoRedirect(),
    )
    opener.addheaders = [("User-Agent", user_agent)]
    login_url = base.rstrip("/") + "/login"
    with opener.open(login_url, timeout=10) as response:
        html = response.read().decode()
    match = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html) or re.search(
        r'value="([^"]+)"[^>]*name="csrf_token"', html)
    if not match:
        sys.exit("login: no csrf_token on the login page")
    body = urllib.parse.urlencode({
        "csrf_token": match.group(1), "email": email, "password": password, "next": "",
    }).encode()
    request = urllib.request.Request(login_url, data=body, headers={  # noqa: S310
        # Flask-WTF checks the Referer over HTTPS (WTF_CSRF_SSL_STRICT).
        "Referer": login_url,
        "Content-Type": "application/x-www-form-urlencoded",
    })
    try:
        response = opener.open(request, timeout=10)
        status = response.status
    except urllib.error.HTTPError as exc:
        status = exc.code
    if status not in (302, 303):
        sys.exit(f"login: expected a redirect after logging in as {email}, got HTTP {status}")
    # Prove the session works: the account page answers 200 instead of redirecting.
    try:
        with opener.open(base.rstrip("/") + "/account", timeout=10) as response:
            status = response.status
    except urllib.error.HTTPError as exc:
        status = exc.code
    if status != 200:
        sys.exit(f"login: /account answered HTTP {status} after logging in")

    host = urllib.parse.urlsplit(base).hostname
    cookies: dict = {}
    for cookie in jar:
        cookies.setdefault(host, {}).setdefault(cookie.path, {})[cookie.name] = {
            "value": cookie.value, "expires": cookie.expires, "secure": cookie.secure,
            "port": None, "version": cookie.version or 0,
        }
    Path(out).write_text(json.dumps(cookies, indent=2))
    print(f"logged in as {email}: cookies {', '.join(c.name for c in jar)}")


def _accepted(path: Path) -> list[tuple[str, str, str]]:
    rules = []
    if not path.exists():
        return rules
    for number, raw in enumerate(path.read_text().splitlines(), 1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        parts = [p.strip() for p in line.split("|")]
        if len(parts) != 3 or not all(parts):
            sys.exit(f"{path}:{number}: expected 'category | path | reason', got {raw!r}")
        rules.append((parts[0], parts[1], parts[2]))
    return rules


def _is_accepted(rules, category: str, path: str, info: str) -> bool:
    # "Category (text)" also needs text in the finding's info; path "*" matches
    # every path, and a trailing "*" a prefix.
    for rule_category, rule_path, _reason in rules:
        name, _, detail = rule_category.partition("(")
        detail = detail.rstrip(")").strip()
        if name.strip().lower() != category.lower():
            continue
        if detail and detail.lower() not in info.lower():
            continue
        if rule_path == "*" or rule_path == path:
            return True
        if rule_path.endswith("*") and path.startswith(rule_path[:-1]):
            return True
    return False


def _describe(item: dict) -> str:
    where = f"{item.get('method', '?')} {item.get('path', '?')}"
    if item.get("parameter"):
        where += f" [{item['parameter']}]"
    return f"{where}: {item.get('info', '').strip()}"


def report(args: list[str]) -> None:
    accepted_file = None
    access_log = None
    reports = []
    while args:
        arg = args.pop(0)
        if arg == "--accepted":
            accepted_file = Path(args.pop(0))
        elif arg == "--access-log":
            access_log = Path(args.pop(0))
        else:
            name, _, file = arg.partition("=")
            reports.append((name, Path(file)))
    rules = _accepted(accepted_file) if accepted_file else []

    failures: list[str] = []
    for name, file in reports:
        data = json.loads(file.read_text())
        vulns = {c: items for c, items in data.get("vulnerabilities", {}).items() if items}
        anomalies = {c: items for c, items in data.get("anomalies", {}).items() if items}
        total = sum(len(v) for v in vulns.values())
        print(f"\n== wapiti, {name} scan ({file}) ==")
        info = data.get("infos", {})
        print(f"target {info.get('target')}, {total} vulnerabilities, "
              f"{sum(len(v) for v in anomalies.values())} anomalies")
        for category, items in sorted(vulns.items()):
            for item in items:
                ok = _is_accepted(rules, category, item.get("path", ""), item.get("info", ""))
                mark = "accepted" if ok else "FAIL    "
                print(f"  {mark} {category} | {_describe(item)}")
                if not ok:
                    failures.append(f"{name}: {category} | {_describe(item)}")
        for category, items in sorted(anomalies.items()):
            fatal = "internal server error" in category.lower()
            for item in items:
                mark = "FAIL    " if fatal else "anomaly "
                print(f"  {mark} {category} | {_describe(item)}")
                if fatal:
                    failures.append(f"{name}: {category} | {_describe(item)}")

    if access_log is not None and access_log.exists():
        # gunicorn's default access log format: ... "REQUEST LINE" STATUS SIZE ...
        errors = [line.strip() for line in access_log.read_text().splitlines()
                  if re.search(r'" 5\d\d ', line)]
        count = sum(1 for _ in access_log.open())
        print(f"\n== gunicorn access log: {count} requests, {len(errors)} answered 5xx ==")
        for line in errors[:50]:
            print(f"  FAIL     {line}")
            failures.append(f"server error: {line}")

    if failures:
        print(f"\nSecurity scan FAILED: {len(failures)} problem(s): vulnerabilities not "
              f"accepted in {accepted_file}, or server errors:")
        for line in failures:
            print(f"  - {line}")
        sys.exit(1)
    print("\nSecurity scan passed: no unaccepted findings, no server errors.")


def main() -> None:
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    command, args = sys.argv[1], sys.argv[2:]
    if command == "free-port":
        free_port()
    elif command == "wait":
        wait(*args)
    elif command == "login":
        login(*args)
    elif command == "report":
        report(args)
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main()
