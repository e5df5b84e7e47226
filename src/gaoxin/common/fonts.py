"""An embeddable CJK font for the PDFs: TrueType outlines (reportlab embeds a subset of them; the
OpenType/CFF Noto CJK fonts it cannot). GAOXIN_PDF_FONT names a file ("path" or "path#index" for a
collection); otherwise the usual places of Debian's fonts-wqy-zenhei / -microhei, Droid Sans Fallback,
AR PL UMing, and Windows' SimSun / Microsoft YaHei are tried."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from django.conf import settings

CANDIDATES = (
    "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
    "/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf",
    "/usr/share/fonts/truetype/arphic/uming.ttc",
    "C:/Windows/Fonts/msyh.ttc",
    "C:/Windows/Fonts/simsun.ttc",
)


@lru_cache(maxsize=4)
def _find(configured: str) -> tuple[Path, int] | None:
    if configured:
        name, _sep, index = configured.partition("#")
        path = Path(name)
        return (path, int(index or 0)) if path.is_file() else None
    for candidate in CANDIDATES:
        path = Path(candidate)
        if path.is_file():
            return path, 0
    return None


def cjk_truetype_font() -> tuple[Path, int] | None:
    """The font file and its index in a collection, or None when the installation has none."""
    return _find(settings.GAOXIN_PDF_FONT)


CID_FONT = "STSong-Light"  # Adobe's CID font: every PDF reader has it, but it is not embedded
EMBEDDED = "GaoxinCJK"


def pdf_font() -> str:
    """The reportlab font name for Chinese text: an embedded CJK TrueType font when the installation has
    one (GAOXIN_PDF_FONT or a system font), subset into the PDF so that it prints the same everywhere;
    else the CID font."""
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfbase.ttfonts import TTFont

    registered = pdfmetrics.getRegisteredFontNames()
    if EMBEDDED in registered:
        return EMBEDDED
    found = cjk_truetype_font()
    if found is not None:
        path, index = found
        try:
            pdfmetrics.registerFont(TTFont(EMBEDDED, str(path), subfontIndex=index))
            return EMBEDDED
        except Exception:  # noqa: BLE001 - an unreadable font file falls back to the CID font
            pass
    if CID_FONT not in registered:
        pdfmetrics.registerFont(UnicodeCIDFont(CID_FONT))
    return CID_FONT
