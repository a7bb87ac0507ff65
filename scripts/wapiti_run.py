"""Run Debian's wapiti (3.0.4) offline, with -x working and real attack time limits.

Run it with the system interpreter that has wapitiCore (/usr/bin/python3) and
wapiti's usual options. What it changes, and nothing else:

- -x crashed the crawl on Python 3.11: wapiti 3.0.4 builds the regex as
  ``pattern + r"\\Z(?ms)"`` and Python 3.11 refuses global flags that are not
  at the start. The flags are moved to the front.
- wapiti creates every attack module at start, even those not chosen with -m,
  and some (wapp, nikto) try to download databases from the internet; ssrf and
  xxe need wapiti's public endpoint. They are dropped from the list.
- --max-attack-time is only checked between resources, so one big form could
  keep a module busy for ten minutes past its limit. Here the limit is checked
  before every request. WAPITI_MODULE_TIME="xss=240,blindsql=60" gives single
  modules a limit of their own (seconds).
"""

import os
import re
import sys
import time

from wapitiCore.attack import attack
from wapitiCore.main import wapiti as wapiti_main_module
from wapitiCore.net import crawler

NETWORK_MODULES = {"mod_wapp", "mod_nikto", "mod_ssrf", "mod_xxe"}


def wildcard_translate(pattern: str) -> re.Pattern:
    body = "".join(".*" if char == "*" else re.escape(char) for char in pattern)
    return re.compile(r"(?ms)" + body + r"\Z")


crawler.wildcard_translate = wildcard_translate
attack.modules[:] = [name for name in attack.modules if name not in NETWORK_MODULES]
attack.commons[:] = [name for name in attack.commons if f"mod_{name}" not in NETWORK_MODULES]


class AttackTimeUp(Exception):
    """Raised from the crawler when the running attack module is out of time."""


_deadline = [0.0]
_original_send = crawler.Crawler.send


def _send(self, *args, **kwargs):
    if _deadline[0] and time.monotonic() > _deadline[0]:
        raise AttackTimeUp
    return _original_send(self, *args, **kwargs)


crawler.Crawler.send = _send


def _module_limits(default: float) -> dict[str, float]:
    limits: dict[str, float] = {}
    for item in os.environ.get("WAPITI_MODULE_TIME", "").split(","):
        name, _, seconds = item.partition("=")
        if name.strip() and seconds.strip():
            limits[name.strip()] = float(seconds)
    return {"*": default, **limits}


def _limited(module, attack_method, seconds: float):
    def attack_with_deadline():
        _deadline[0] = time.monotonic() + seconds if seconds >= 1 else 0.0
        try:
            yield from attack_method()
        except AttackTimeUp:
            print(f"Max attack time ({seconds:.0f} s) was reached for module {module.name}, "
                  "stopping in the middle of a resource.")
        finally:
            _deadline[0] = 0.0

    return attack_with_deadline


_original_init_attacks = wapiti_main_module.Wapiti._init_attacks


def _init_attacks(self):
    _original_init_attacks(self)
    limits = _module_limits(float(self._max_attack_time or 0))
    for module in self.attacks:
        seconds = limits.get(module.name, limits["*"])
        module.attack = _limited(module, module.attack, seconds)
    # wapiti's own, coarser check must not stop a module with a longer limit.
    self._max_attack_time = 0


wapiti_main_module.Wapiti._init_attacks = _init_attacks

if __name__ == "__main__":
    sys.argv[0] = "wapiti"
    sys.exit(wapiti_main_module.wapiti_main())
