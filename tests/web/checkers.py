"""Independent checkers for the pages: axe-core (accessibility, WCAG 2.1 AA, in headless
Chromium) and the Nu HTML Checker (vnu.jar), both from npm (package.json)."""

from __future__ import annotations

import json
import shutil
import subprocess
import tempfile
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
VNU = ROOT / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"
CSS = ROOT / "web" / "form.css"
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]
WIDTHS = (375, 1280)


def missing() -> str | None:
    """Why the checks cannot run here (run `make test`, which installs them), or None."""
    for path in (AXE, VNU):
        if not path.is_file():
            return f"{path.relative_to(ROOT)} is missing: `make node-deps`"
    if shutil.which("java") is None:
        return "java is missing: `make system-deps`"
    return None


def styled(html: str) -> str:
    """The page with its stylesheet inlined, so it renders without the server."""
    return html.replace(
        '<link rel="stylesheet" href="/static/form.css">',
        f"<style>{CSS.read_text(encoding='utf-8')}</style>",
    )


async def axe_problems(pages: dict[str, str]) -> dict[str, list[str]]:
    """Every serious or critical axe-core violation of each page, at 375 and 1280 px, and
    any page wider than its window (content cut off on a phone)."""
    from playwright.async_api import async_playwright

    found: dict[str, list[str]] = {}
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        for width in WIDTHS:
            # The pages' CSP allows no script: the checker comes in past it.
            context = await browser.new_context(
                bypass_csp=True, viewport={"width": width, "height": 900}
            )
            page = await context.new_page()
            for name, html in pages.items():
                await page.set_content(styled(html))
                await page.add_script_tag(path=str(AXE))
                result: dict[str, Any] = await page.evaluate(
                    "axe.run(document, {runOnly: {type: 'tag', values: "
                    "['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice']}})"
                )
                problems = [
                    f"{width}px {v['id']} ({v['impact']}): {v['help']} – "
                    + "; ".join(n["target"][0] for n in v["nodes"][:3])
                    for v in result["violations"]
                    if v["impact"] in ("serious", "critical")
                ]
                scroll = await page.evaluate("document.documentElement.scrollWidth")
                if scroll > width:
                    problems.append(f"{width}px: the page is {scroll}px wide")
                if problems:
                    found.setdefault(name, []).extend(problems)
            await context.close()
        await browser.close()
    return found


def vnu_errors(pages: dict[str, str]) -> dict[str, list[str]]:
    """The Nu HTML Checker's errors for each page."""
    with tempfile.TemporaryDirectory(prefix="vnu-") as folder:
        files: dict[str, str] = {}
        paths = []
        for number, (name, html) in enumerate(pages.items()):
            path = Path(folder) / f"page-{number:03d}.html"
            path.write_text(html, encoding="utf-8")
            paths.append(path)
            files[path.name] = name
        run = subprocess.run(
            ["java", "-jar", str(VNU), "--format", "json", "--errors-only", *map(str, paths)],
            capture_output=True,
            text=True,
            timeout=300,
        )
    report = json.loads(run.stderr or run.stdout or '{"messages": []}')
    found: dict[str, list[str]] = {}
    for message in report["messages"]:
        url = message.get("url", "?")
        name = files.get(url.rsplit("/", 1)[-1], url)
        found.setdefault(name, []).append(
            f"line {message.get('lastLine')}: {message.get('message')} – "
            f"{message.get('extract', '').strip()[:120]}"
        )
    return found
