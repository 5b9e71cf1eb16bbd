"""The POST form of a page, filled in as a browser would send it unchanged (hidden fields,
checked boxes, selected options, text as shown), for tests that submit every form."""

from html.parser import HTMLParser

SKIPPED_INPUTS = {"submit", "button", "file", "image", "reset"}


class _Forms(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.forms: list[list[tuple[str, str]]] = []
        self._form: list[tuple[str, str]] | None = None
        self._select: dict | None = None
        self._textarea: tuple[str, list[str]] | None = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form":
            self._form = [] if (a.get("method") or "").lower() == "post" else None
            if self._form is not None:
                self.forms.append(self._form)
        if self._form is None or "disabled" in a:
            return
        name = a.get("name")
        if tag == "input" and name:
            kind = (a.get("type") or "text").lower()
            if kind in SKIPPED_INPUTS:
                return
            if kind in {"checkbox", "radio"}:
                if "checked" in a:
                    self._form.append((name, a.get("value") or "on"))
                return
            self._form.append((name, a.get("value") or ""))
        elif tag == "select" and name:
            self._select = {"name": name, "first": None, "chosen": [], "multiple": "multiple" in a}
        elif tag == "option" and self._select is not None:
            value = a.get("value") or ""
            if self._select["first"] is None:
                self._select["first"] = value
            if "selected" in a:
                self._select["chosen"].append(value)
        elif tag == "textarea" and name:
            self._textarea = (name, [])

    def handle_data(self, data):
        if self._textarea is not None:
            self._textarea[1].append(data)

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None
        elif tag == "select" and self._select is not None and self._form is not None:
            s = self._select
            chosen = s["chosen"] or ([] if s["multiple"] or s["first"] is None else [s["first"]])
            self._form.extend((s["name"], v) for v in chosen)
            self._select = None
        elif tag == "textarea" and self._textarea is not None and self._form is not None:
            name, parts = self._textarea
            text = "".join(parts)
            self._form.append((name, text[1:] if text.startswith("\n") else text))
            self._textarea = None


def main_form(html: str) -> dict[str, list[str]]:
    """The page's largest POST form (not the logout button) as ``{name: [values]}``."""
    parser = _Forms()
    parser.feed(html)
    if not parser.forms:
        return {}
    fields = max(parser.forms, key=len)
    data: dict[str, list[str]] = {}
    for name, value in fields:
        data.setdefault(name, []).append(value)
    return data


def with_text_changed(data: dict[str, list[str]], names: tuple[str, ...]) -> dict:
    """``data`` with the first of ``names`` present (a text field) given 「（改）」 at the end."""
    changed = dict(data)
    for name in names:
        for key, values in data.items():
            if key == name or key.endswith("-" + name):
                changed[key] = [values[0] + "（改）", *values[1:]]
                return changed
    return changed
