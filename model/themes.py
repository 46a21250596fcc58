"""Colour arithmetic for themes: WCAG contrast, so every theme stays readable."""

from __future__ import annotations


def _channel(value: int) -> float:
    c = value / 255
    return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4


def luminance(*, hex_colour: str) -> float:
    text = hex_colour.lstrip("#")
    if len(text) == 3:
        text = "".join(ch * 2 for ch in text)
    r, g, b = (int(text[i : i + 2], 16) for i in (0, 2, 4))
    return 0.2126 * _channel(r) + 0.7152 * _channel(g) + 0.0722 * _channel(b)


def contrast(*, foreground: str, background: str) -> float:
    """The WCAG 2 contrast ratio, from 1 (none) to 21 (black on white)."""
    lighter, darker = sorted(
        (luminance(hex_colour=foreground), luminance(hex_colour=background)), reverse=True
    )
    return (lighter + 0.05) / (darker + 0.05)
