"""How people type the values of a plan's structure, read into what the import stores.

A clerk writes 「１－１」 or 「1ー1」 for 施策 1-1, 「① きっかけづくり」 in one cell, 「（再掲）1-1②」
for a re-listed item, 「1-1・1-2」 for two predecessors and 「【重点施策】」 for a priority
measure. Each reader takes a cell as typed and returns the value, or ``None`` when it cannot
read it: the import then names the row, the column and the text as it was typed.
"""

import re
import unicodedata

from policies.models import CIRCLED_NUMBERS

# Dashes people type between the numbers of a 施策番号 (NFKC turns only － into -).
DASHES = re.compile(r"[‐‑‒–—―−ー－ｰ﹣]")
BRACKETS = re.compile(r"[【】\[\]［］〔〕()（）<>〈〉《》「」『』]")
RELISTING_MARK = re.compile(r"[（(【\[［〔]?\s*再掲\s*[)）】\]］〕]?[:：]?")
ROMAN = {"I": 1, "II": 2, "III": 3, "IV": 4, "V": 5, "VI": 6, "VII": 7, "VIII": 8, "IX": 9, "X": 10}


def normalized(text: str) -> str:
    """Full-width digits and letters as half-width, the dashes as -, no blanks around."""
    return DASHES.sub("-", unicodedata.normalize("NFKC", text)).strip()


def bare(text: str) -> str:
    """A label without its brackets or blanks: 「【 施策体系 】」 → 「施策体系」."""
    return re.sub(r"\s", "", BRACKETS.sub("", unicodedata.normalize("NFKC", text)))


def header_name(text: str) -> str:
    """A column or item name as typed, compared without blanks, line breaks or a ※ note."""
    text = unicodedata.normalize("NFKC", text).split("※", 1)[0]
    return re.sub(r"\s", "", text).replace("(", "（").replace(")", "）")


PRIORITY = {"○", "◯", "〇", "●", "◎", "1", "はい", "重点", "重点施策", "TRUE", "あり", "✓", "✔"}
NOT_PRIORITY = {"", "0", "いいえ", "FALSE", "×", "✕", "-", "なし"}


def priority(text: str) -> bool | None:
    """重点施策: 「○」「重点」「重点施策」「【重点施策】」… mark one; blank, 「×」, 「0」 do not."""
    value = bare(text).upper()
    if value in PRIORITY:
        return True
    if value in NOT_PRIORITY:
        return False
    return None


MEASURE_NUMBER = re.compile(
    r"(?P<number>\d{1,3}(?:-\d{1,3}){1,2})(?:[\s.:、]+|(?=\D)|$)(?P<rest>.*)"
)


def measure_number(text: str) -> tuple[str, str] | None:
    """施策番号, and a title typed in the same cell: 「１－１ きっかけづくり」 → ("1-1",
    "きっかけづくり"). A number in another form (up to 10 characters) is kept as it is."""
    value = normalized(text)
    value = re.sub(r"^(?:施策)\s*", "", value)
    if match := MEASURE_NUMBER.fullmatch(value):
        return match["number"], match["rest"].strip()
    if value and len(value) <= 10 and not re.search(r"\s", value):
        return value, ""
    return None


BASIC_POLICY = re.compile(
    r"(?:基本施策|基本目標|基本方針|第)?\s*(?P<number>\d{1,3}|[IVX]{1,4})(?:\s*[.:、]\s*|\s+|$)(?P<rest>.*)"
)


def basic_policy_number(text: str) -> tuple[int, str] | None:
    """基本施策番号: 「1」「１」「基本施策1」「Ⅱ」, and a title in the same cell."""
    match = BASIC_POLICY.fullmatch(normalized(text))
    if not match:
        return None
    typed = match["number"]
    number = int(typed) if typed.isdigit() else ROMAN.get(typed)
    if number is None or not 1 <= number <= 1000:
        return None
    return number, match["rest"].strip()


NUMBERED = re.compile(r"[(]?(?P<number>\d{1,2})(?:[).、:]\s*|\s+|$)(?P<rest>.*)")


def position(text: str, *, plain_number: bool = True) -> tuple[int, str] | None:
    """展開番号 as printed (①), as a number (2, (2), 2.), and a title after it in the same
    cell: 「① きっかけづくり」 → (1, "きっかけづくり"). In a title cell (``plain_number``
    False) only ① or (1) count as a number: 「2020年に…」 is a title."""
    text = text.strip()
    if text[:1] in CIRCLED_NUMBERS:
        return CIRCLED_NUMBERS.index(text[0]) + 1, text[1:].strip(" 　.．、:：")
    value = normalized(text)
    match = NUMBERED.fullmatch(value)
    if not match or (not plain_number and not value.startswith("(")):
        return None
    number = int(match["number"])
    if not 1 <= number <= len(CIRCLED_NUMBERS):
        return None
    return number, match["rest"].strip()


def is_relisting(text: str) -> bool:
    return "再掲" in text


def without_relisting_mark(text: str) -> str:
    return RELISTING_MARK.sub("", text).strip()


REFERENCE = re.compile(r"(?P<measure>.+?)-(?P<position>\d{1,2})")


def reference(text: str) -> tuple[str, int] | None:
    """A 再掲元: 「1-2①」「1-2-1」「（再掲）１－２②」「1-2の②」「1-2(1)」 → ("1-2", 1)."""
    value = without_relisting_mark(text)
    value = "".join(
        f"-{CIRCLED_NUMBERS.index(c) + 1}" if c in CIRCLED_NUMBERS else c for c in value
    )
    value = normalized(value)
    value = re.sub(r"\((\d{1,2})\)$", r"-\1", value)
    value = re.sub(r"[\sの]", "", value).removeprefix("施策")
    match = REFERENCE.fullmatch(value)
    if not match:
        return None
    number = int(match["position"])
    if not 1 <= number <= len(CIRCLED_NUMBERS):
        return None
    return match["measure"], number


LIST_SPLIT = re.compile(r"[、,，・･/／;；\s]+|及び|および")


def measure_list(text: str) -> list[str]:
    """前計画の施策: 「1-1、1-2」「1-1・1-2」「１－１，１－２」「旧1-1 旧1-2」 → ["1-1", "1-2"]."""
    numbers = []
    for part in LIST_SPLIT.split(unicodedata.normalize("NFKC", text)):
        part = normalized(part).removeprefix("旧").removeprefix("施策")
        if part and part not in numbers:
            numbers.append(part)
    return sorted(numbers)
