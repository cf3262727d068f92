"""Colours the user may name for a background, shared by the engines that draw one."""
from __future__ import annotations


def parse_color(text: str) -> tuple[int, int, int] | None:
    """'#0f0', '#00ff00', 'green', '0,255,0' -> RGB, or None."""
    from PIL import ImageColor

    t = text.strip()
    if "," in t:
        try:
            vals = [int(v) for v in t.split(",")]
        except ValueError:
            return None
        return tuple(vals) if len(vals) == 3 and all(0 <= v <= 255 for v in vals) else None
    try:
        c = ImageColor.getrgb(t)
    except ValueError:
        return None
    return tuple(int(v) for v in c[:3])
