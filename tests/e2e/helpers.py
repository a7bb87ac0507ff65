"""Helpers for the browser tests: axe checks, console watching, navigation, mail,
and the Swedish text the live app renders (``sv``, ``sv_n``, ``sv_date``, ``sv_label``).

Selectors use ids, hrefs and CSS classes rather than visible text, so the
tests keep working while the translations change.
"""

from __future__ import annotations

import itertools
import random
import re
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date

from axe_playwright_python.sync_playwright import Axe
from flask_babel import force_locale, get_domain, gettext
from playwright.sync_api import Page, Response, expect
from stdnum import luhn

from tests.support import mail_link

WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
_axe = Axe()
_seq = itertools.count(1)
_RUN = uuid.uuid4().hex[:8]


# --- unique test data ----------------------------------------------------------------

def unique_email(prefix: str) -> str:
    return f"{prefix}-{_RUN}-{next(_seq)}@e2e.example.se"


def unique_org_number() -> str:
    """A valid Swedish organisationsnummer: '55' + 7 digits + Luhn check digit.

    The middle pair (digits 3-4) must be 20 or more, or the portal reads the
    number as a sole trader's personnummer (see portal/employers/orgnumber.py).
    """
    rest = f"{random.randint(20, 99)}{random.randint(0, 99_999):05d}"
    body = "55" + rest
    return body + luhn.calc_check_digit(body)


# --- the live app's Swedish ---------------------------------------------------------
# Expected texts come from the live app's own catalogs, not from literal Swedish,
# so the tests keep working while the translations change.

@contextmanager
def in_swedish(live_server) -> Iterator[None]:
    """A request context of the live app with the Swedish locale forced."""
    with live_server.app.test_request_context("/"), force_locale("sv"):
        yield


def sv(live_server, msgid: str, **values) -> str:
    """What the live app shows for ``msgid`` in Swedish (its own catalogs)."""
    with in_swedish(live_server):
        return gettext(msgid, **values)


def sv_n(live_server, singular: str, plural: str, count: int, **values) -> str:
    """The same for a message with a plural form chosen by ``count``; ``num`` may be
    given apart from it, as templates do (flask_babel.ngettext cannot take both)."""
    with in_swedish(live_server):
        text = get_domain().get_translations().ngettext(singular, plural, count)
        return text % {"num": count, **values}


def sv_date(live_server, day: date, fmt: str | None = None) -> str:
    """A date as the live app's ``date`` filter shows it in Swedish (in ``fmt`` if given)."""
    with in_swedish(live_server):
        show = live_server.app.jinja_env.filters["date"]
        return show(day, fmt) if fmt else show(day)


def sv_label(live_server, enum_cls, value: str) -> str:
    """The Swedish label of a LabelledEnum member."""
    with in_swedish(live_server):
        return str(enum_cls(value).label)


# --- accessibility -------------------------------------------------------------------

def check_a11y(page: Page) -> None:
    """Run axe-core (WCAG 2.0/2.1 A and AA) on the page as it is now."""
    results = _axe.run(page, options={"runOnly": {"type": "tag", "values": WCAG_TAGS},
                                      "resultTypes": ["violations"]})
    if results.violations_count:
        raise AssertionError(
            f"axe found {results.violations_count} accessibility violation(s) on "
            f"{page.url}:\n{results.generate_report()}"
        )


# --- console, page errors and CSP ----------------------------------------------------

# Chromium logs every document or resource with an error status as a console
# error. A test that expects one (a form with errors is answered with 422, a
# forbidden page with 403) says so through UI.visit/UI.submit(status=...).
@dataclass
class ConsoleWatch:
    problems: list[str] = field(default_factory=list)
    allowed: list[re.Pattern] = field(default_factory=list)

    def attach(self, page: Page) -> None:
        # Chromium reports CSP violations on the console; the DOM event is a
        # second, wording-independent witness (an init script is not bound by CSP).
        page.add_init_script(
            "document.addEventListener('securitypolicyviolation', function (e) {"
            " console.error('Content Security Policy violation: ' + e.violatedDirective"
            " + ' blocked ' + (e.blockedURI || 'inline') + ' at ' + e.sourceFile"
            " + ':' + e.lineNumber); });")
        page.on("console", self._on_console)
        page.on("pageerror", lambda exc: self.problems.append(f"page error: {exc}"))

    def allow(self, pattern: str) -> None:
        self.allowed.append(re.compile(pattern))

    def allow_status(self, status: int) -> None:
        """A response with this error status is what the test expects."""
        self.allow(rf"^Failed to load resource: the server responded with a status of {status}\b")

    def _on_console(self, msg) -> None:
        text = msg.text
        csp = "Content Security Policy" in text or "Refused to" in text
        if msg.type != "error" and not csp:
            return
        if not csp and any(p.search(text) for p in self.allowed):
            return
        where = msg.location.get("url", "") if msg.location else ""
        kind = "CSP violation" if csp else f"console {msg.type}"
        self.problems.append(f"{kind}: {text} ({where})")

    def assert_clean(self) -> None:
        if self.problems:
            raise AssertionError("The browser reported problems:\n" + "\n".join(self.problems))


# --- navigation ----------------------------------------------------------------------

class UI:
    """A page plus the checks every step needs: status, axe, console (via fixture)."""

    def __init__(self, page: Page, base_url: str, smtp, console: ConsoleWatch):
        self.page = page
        self.base_url = base_url.rstrip("/")
        self.smtp = smtp
        self.console = console

    def url(self, path: str) -> str:
        return path if path.startswith("http") else self.base_url + path

    def visit(self, path: str, status: int = 200) -> Response:
        if status >= 400:
            self.console.allow_status(status)
        response = self.page.goto(self.url(path))
        assert response is not None
        assert response.status == status, f"GET {path}: {response.status}"
        check_a11y(self.page)
        return response

    def submit(self, selector_or_locator="main form button[type=submit]",
               status: int = 200) -> Response:
        """Click a submit button, wait for the resulting page (after any redirect)."""
        button = (self.page.locator(selector_or_locator)
                  if isinstance(selector_or_locator, str) else selector_or_locator)
        if status >= 400:
            self.console.allow_status(status)
        with self.page.expect_navigation() as nav:
            button.click()
        response = nav.value
        assert response is not None
        assert response.status == status, (
            f"{response.request.method} {response.url}: {response.status}")
        self.page.wait_for_load_state("load")
        check_a11y(self.page)
        return response

    def follow(self, locator) -> Response:
        """Click a link and wait for the new page."""
        with self.page.expect_navigation() as nav:
            locator.click()
        response = nav.value
        assert response is not None
        assert response.status == 200, f"GET {response.url}: {response.status}"
        check_a11y(self.page)
        return response

    def expect_path(self, pattern: str) -> None:
        expect(self.page).to_have_url(re.compile(re.escape(self.base_url) + pattern))

    def flash(self, category: str = "success"):
        return self.page.locator(f".flashes .flash-{category}")

    def log_in(self, email: str, password: str) -> None:
        self.visit("/login")
        self.page.fill("#email", email)
        self.page.fill("#password", password)
        self.submit()

    def log_out(self) -> None:
        self.submit("header form[action='/logout'] button[type=submit]")
        self.expect_path(r"/login$")
        expect(self.flash()).to_be_visible()

    def mail_to(self, address: str, link_part: str | None = None, timeout: float = 5.0):
        """Wait for a mail to ``address`` (with a link containing ``link_part``).

        Returns (message, link); link is None when no ``link_part`` is given.
        """
        deadline = time.monotonic() + timeout
        while True:
            for msg in reversed(self.smtp.to(address)):
                if link_part is None:
                    return msg, None
                try:
                    return msg, mail_link(msg, link_part)
                except AssertionError:
                    continue
            if time.monotonic() > deadline:
                got = [(str(m["To"]), str(m["Subject"])) for m in self.smtp.messages]
                raise AssertionError(f"no mail to {address} with {link_part!r}; got {got}")
            time.sleep(0.05)

def assert_unique_ids(page: Page) -> None:
    """No two elements share an id (hidden inputs aside): axe-core 4.7+ no longer checks."""
    dups = page.evaluate("""() => {
        const seen = {};
        for (const el of document.querySelectorAll('[id]:not(input[type=hidden])')) {
            seen[el.id] = (seen[el.id] || 0) + 1;
        }
        return Object.keys(seen).filter(id => seen[id] > 1);
    }""")
    assert not dups, f"duplicate ids on {page.url}: {dups}"
