"""Two marks, never mixed: 「－」 is the rating 評価不能 (a level of the scale, shown by its
code) and 「—」 is "no value". A template that writes a placeholder of its own for a missing
value writes 「—」; the sheet templates (the 評価表's own layout) are left to their outputs."""

import re
from pathlib import Path

TEMPLATES = Path(__file__).resolve().parents[2] / "templates"
# A placeholder for a missing value: a default filter, or the {% else %} of an "is not None".
PLACEHOLDER = re.compile(
    r'default(?:_if_none)?:"([^"]*)"|is not None %}.*?{% else %}([^{<]{1,3}){% endif'
)
NOT_A_MARK = {"", "（なし）", "（記載なし）", "—"}


def test_no_template_writes_another_mark_for_a_missing_value():
    stray = []
    for path in sorted(TEMPLATES.rglob("*.html")):
        if path.name.startswith(("sheet", "_sheet")):
            continue
        for number, line in enumerate(path.read_text().splitlines(), start=1):
            for match in PLACEHOLDER.finditer(line):
                mark = match.group(1) if match.group(1) is not None else match.group(2)
                if mark not in NOT_A_MARK and not line.lstrip().startswith("{% for"):
                    stray.append(f"{path.relative_to(TEMPLATES)}:{number}: {mark!r}")
    assert stray == []
