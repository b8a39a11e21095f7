"""What the accessibility browser tests check on every officer and portal page: axe-core's findings (the copy that
axe-playwright-python bundles), no sideways scrolling at a 1,280 px window or a 390 px phone, screenshots at both
sizes, and which named URL each page was; the named URLs come from the URL conf, so a new page cannot be missed."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path
from urllib.parse import urlparse

from axe_playwright_python.sync_playwright import Axe
from django.urls import resolve

from compliance.officer import urls as officer_urls
from compliance.portal.urls import access_urlpatterns, consent_urlpatterns, erasure_urlpatterns

SHOTS = Path("/tmp/axe-shots")
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}
FAILING_IMPACTS = ("critical", "serious")
# The outermost elements that reach past the window's right edge, to say what makes a page too wide.
WIDER_THAN_WINDOW = """[...document.querySelectorAll('body *')]
  .filter(e => e.getBoundingClientRect().right > window.innerWidth + 1)
  .filter(e => !(e.parentElement.getBoundingClientRect().right > window.innerWidth + 1))
  .slice(0, 5).map(e => e.outerHTML.slice(0, 120))"""


def officer_page_names() -> set[str]:
    return {f"{officer_urls.app_name}:{p.name}" for p in officer_urls.urlpatterns}


def portal_page_names() -> set[str]:
    return {f"consent-portal:{p.name}" for p in consent_urlpatterns} | {
        p.name for p in erasure_urlpatterns + access_urlpatterns
    }


def _url_name(url: str) -> str:
    return resolve(urlparse(url).path).view_name


class PageAudit:
    """Collects every page's findings; `failures()` says what is wrong with all of them at once."""

    def __init__(self, page, label: str) -> None:
        self.page, self.label = page, label
        self.axe = Axe()
        self.visited: set[str] = set()
        self.violations: list[dict] = []  # one per (page, rule): {"page", "id", "impact", "help", "nodes"}
        self.too_wide: list[str] = []
        self.problems: list[str] = []
        SHOTS.mkdir(exist_ok=True)

    def check(self, slug: str) -> None:
        """The page now open, at the desktop size then on a phone: axe, the page's width, a screenshot."""
        page = self.page
        page.wait_for_load_state()
        self.visited.add(_url_name(page.url))
        for size in (DESKTOP, PHONE):
            page.set_viewport_size(size)
            at = f"{slug} at {size['width']} px"
            for violation in self.axe.run(page).response["violations"]:
                nodes = [(", ".join(map(str, n["target"])), n["html"][:160]) for n in violation["nodes"]]
                self.violations.append(
                    {"page": at, "id": violation["id"], "impact": violation["impact"], "help": violation["help"]}
                    | {"nodes": nodes}
                )
            scroll, window = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
            if scroll > window:
                self.too_wide.append(f"{at}: {scroll} px wide: {page.evaluate(WIDER_THAN_WINDOW)}")
            page.screenshot(path=str(SHOTS / f"{self.label}-{slug}-{size['width']}.png"), full_page=True)
        page.set_viewport_size(DESKTOP)

    def no_json(self, slug: str) -> None:
        """An officer reads records, not their JSON (which stays a download)."""
        html = self.page.content()
        if "<pre" in html or '{"' in html or "{&quot;" in html:
            self.problems.append(f"{slug}: raw JSON or <pre> on the page")

    def counts(self) -> dict:
        by_impact = Counter(v["impact"] for v in self.violations for _ in v["nodes"])
        by_rule = Counter(f"{v['id']} ({v['impact']})" for v in self.violations for _ in v["nodes"])
        return {"nodes_by_impact": dict(by_impact), "nodes_by_rule": dict(by_rule)}

    def report(self) -> str:
        """Every violation found (rule, impact, nodes), also written with the counts to SHOTS/<label>-axe.json."""
        (SHOTS / f"{self.label}-axe.json").write_text(
            json.dumps({"counts": self.counts(), "violations": self.violations}, indent=1)
        )
        return "\n".join(
            f"{v['page']}: {v['id']} ({v['impact']}) {v['help']}\n" + "\n".join(f"    {t}: {h}" for t, h in v["nodes"])
            for v in self.violations
        )

    def failures(self) -> list[str]:
        """The serious and critical violations, the pages too wide, the other problems."""
        failing = [f"{v['page']}: {v['id']} ({v['impact']})" for v in self.violations if v["impact"] in FAILING_IMPACTS]
        return failing + self.too_wide + self.problems

    def unvisited(self, names: set[str], exceptions: dict[str, str]) -> set[str]:
        return names - self.visited - set(exceptions)
