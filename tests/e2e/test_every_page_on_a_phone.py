"""Every page each role reaches, on a phone (390 px wide), scrolls only downwards and has no
serious or critical accessibility violation (axe-core, WCAG 2.1 A and AA).

One demo account per role logs in and walks its pages from its home, following the links the
pages offer (one address per kind of page, downloads left out), as a user would: so every page
of the permission matrix a role may open is reached, and a page added later is walked without
being listed here."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.urls import Resolver404, resolve

pytestmark = pytest.mark.e2e

AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
PHONE = {"width": 390, "height": 844}
PAGES_PER_ROLE = 45
# Kinds of page that are files or actions, not pages to look at.
NOT_PAGES = ("pdf", "xlsx", "csv", "ics", "file", "download", "document", "feed", "logout")
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]

OVERFLOW = """() => {
  const width = document.documentElement.clientWidth;
  if (document.documentElement.scrollWidth <= width) return null;
  const wide = [];
  for (const el of document.body.querySelectorAll('*')) {
    const box = el.getBoundingClientRect();
    if (box.right > width + 1 && getComputedStyle(el).position !== 'fixed') {
      const classes = typeof el.className === 'string' && el.className
        ? '.' + el.className.split(' ').join('.') : '';
      const name = el.tagName.toLowerCase() + (el.id ? '#' + el.id : '') + classes;
      wide.push(name + ' ' + Math.round(box.right) + 'px');
      if (wide.length >= 3) break;
    }
  }
  return document.documentElement.scrollWidth + 'px: ' + wide.join(', ');
}"""


def page_name(path: str) -> str | None:
    try:
        match = resolve(path)
    except Resolver404:
        return None
    name = match.view_name
    if any(word in name for word in NOT_PAGES):
        return None
    return name


def links(page) -> list[str]:
    hrefs = page.eval_on_selector_all("a[href]", "els => els.map(e => e.getAttribute('href'))")
    paths = []
    for href in hrefs:
        parts = urlsplit(href)
        if parts.scheme or parts.netloc or not parts.path.startswith("/"):
            continue
        paths.append(parts.path + (f"?{parts.query}" if parts.query else ""))
    return paths


def walk(page, log_in, username) -> tuple[list[str], int]:
    """Log in as `username` and walk its pages; returns the problems found and the count of
    pages checked."""
    problems, checked = [], 0
    log_in(page, username)
    queue, seen = ["/"], set()
    while queue and checked < PAGES_PER_ROLE:
        path = queue.pop(0)
        name = page_name(path.split("?")[0])
        if name is None or name in seen:
            continue
        seen.add(name)
        response = page.goto(path)
        if response is None or response.status != 200:
            if response is not None and response.status >= 500:
                problems.append(f"{username} {path}: HTTP {response.status}")
            continue
        if "text/html" not in response.headers.get("content-type", ""):
            continue
        checked += 1
        overflow = page.evaluate(OVERFLOW)
        if overflow:
            problems.append(f"{username} {path} scrolls sideways at 390 px ({overflow})")
        page.add_script_tag(path=str(AXE))
        violations = page.evaluate(
            "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})"
            ".then(r => r.violations.filter(v => v.impact === 'serious' || v.impact === 'critical')"
            ".map(v => v.id + ' (' + v.nodes.length + '): ' + v.nodes[0].target.join(' ')))",
            AXE_TAGS,
        )
        problems += [f"{username} {path} axe {violation}" for violation in violations]
        queue += [link for link in links(page) if link not in queue]
    return problems, checked


def test_every_page_of_every_role_fits_a_phone_and_passes_axe(
    chromium_browser, live_server, demo_data, log_in, settings
):
    from ancrage.demo.seeding import DEMO_ACCOUNTS

    assert AXE.is_file(), "axe-core is missing: run `make e2e-axe` (npm ci)"
    settings.RELAX_TWO_FACTOR = True
    problems, counts = [], {}
    for username, *_ in DEMO_ACCOUNTS:
        context = chromium_browser.new_context(
            base_url=live_server.url,
            locale="fr-FR",
            timezone_id="Europe/Paris",
            viewport=PHONE,
            is_mobile=True,
            # axe-core is injected as an inline script, which the CSP (rightly) refuses
            bypass_csp=True,
        )
        context.set_default_timeout(15_000)
        try:
            found, counts[username] = walk(context.new_page(), log_in, username)
            problems += found
        finally:
            context.close()
    assert not problems, "\n".join(problems)
    # every role reached its home at least (and the walk did walk)
    assert all(count >= 1 for count in counts.values()), counts
    assert sum(counts.values()) > 3 * len(counts), counts
