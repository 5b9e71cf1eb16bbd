"""axe-core (npm, pinned in package-lock.json, used only by the tests) in a Playwright page.

The site's Content-Security-Policy allows only its own scripts, so ``add_script_tag`` (an
inline <script>) is blocked. An init script is injected by the browser itself before the
page's scripts, outside the policy, and also works on pages opened with file://.
"""

from dataclasses import dataclass
from pathlib import Path

AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
# The WCAG 2.0 and 2.1 rules of levels A and AA (JIS X 8341-3:2016 is WCAG 2.0).
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]

RUN = """async (tags) => {
  const result = await axe.run(document, {runOnly: {type: "tag", values: tags}});
  return result.violations.map((v) => ({
    rule: v.id,
    impact: v.impact,
    help: v.help,
    targets: v.nodes.map((n) => n.target.join(" ")),
  }));
}"""


@dataclass(frozen=True)
class Violation:
    rule: str
    impact: str
    help: str
    targets: tuple[str, ...]

    def __str__(self) -> str:
        shown = ", ".join(self.targets[:3]) + (" …" if len(self.targets) > 3 else "")
        return f"{self.rule} ({self.impact}, {len(self.targets)}件): {self.help} — {shown}"


def install(context) -> None:
    """Make ``axe`` available in every page of a browser context."""
    if not AXE.exists():
        raise FileNotFoundError(f"{AXE} がありません（npm ci で入ります）")
    context.add_init_script(path=str(AXE))


def violations(page) -> list[Violation]:
    """The WCAG 2.x A/AA violations axe finds on the page as it is now."""
    found = page.evaluate(RUN, WCAG_TAGS)
    return [Violation(v["rule"], v["impact"] or "", v["help"], tuple(v["targets"])) for v in found]
