"""Half-width katakana (半角カナ) to full-width, and nothing else (applied by
``policies.stored_text``, so every writer stores the same spelling).

Full NFKC would also turn ① into 1 and full-width brackets （） into ASCII, which changes
what people wrote; only the JIS X 0201 katakana block (U+FF61–U+FF9F: ｶﾀｶﾅ, ｰ, ｡｢｣､･ and
the voiced marks ﾞﾟ) is converted, so search and exports see one spelling.
"""

import re
import unicodedata

_HALFWIDTH_KANA = re.compile("[\uff61-\uff9f]+")
# A voiced mark with nothing to combine with becomes the spacing full-width mark.
_LONE_MARKS = str.maketrans({"\u3099": "\u309b", "\u309a": "\u309c"})


def _full_width(match: re.Match) -> str:
    # NFKC of the run alone: ｶﾞ → ガ and ﾊﾟ → パ (the marks combine), nothing outside it.
    return unicodedata.normalize("NFKC", match.group()).translate(_LONE_MARKS)


def full_width_katakana(text: str) -> str:
    """'ｶﾞｯｺｳ ①（ｶﾅ）' → 'ガッコウ ①（カナ）'."""
    return _HALFWIDTH_KANA.sub(_full_width, text)
