"""Draw the ministry's logo: a simplified national emblem of Viet Nam (public domain design:
red disc, yellow star, gear, ring of rice ears) with the words "BỘ Y TẾ" beside it.

This is a clean, simplified drawing made for the project, not a reproduction of the official
artwork: replace addons/moh_documents/static/img/moh_logo.png with the official emblem where
it is available. Usage: python scripts/make_emblem.py [font.ttf] (default: DejaVu Sans Bold).
"""

import math
import sys
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

SCALE = 4
WIDTH, HEIGHT = 490, 200
RED = (218, 37, 29)
DARK_RED = (170, 20, 20)
GOLD = (255, 205, 0)
DARK_GOLD = (214, 160, 0)
OUT = Path(__file__).resolve().parent.parent / "addons/moh_documents/static/img/moh_logo.png"


def star(cx, cy, outer, inner, rotation=-math.pi / 2):
    points = []
    for i in range(10):
        radius = outer if i % 2 == 0 else inner
        angle = rotation + i * math.pi / 5
        points.append((cx + radius * math.cos(angle), cy + radius * math.sin(angle)))
    return points


def gear(draw, cx, cy, radius, teeth=12):
    points = []
    for i in range(teeth * 4):
        angle = i * 2 * math.pi / (teeth * 4)
        r = radius if (i // 2) % 2 == 0 else radius * 0.82
        points.append((cx + r * math.cos(angle), cy + r * math.sin(angle)))
    draw.polygon(points, fill=GOLD, outline=DARK_GOLD)
    hole = radius * 0.38
    draw.ellipse((cx - hole, cy - hole, cx + hole, cy + hole), fill=RED)


def rice_ring(draw, cx, cy, radius):
    """Two curved ears of rice, from the bottom up both sides to the top."""
    for side in (-1, 1):
        for i in range(15):
            # From the bottom (90°) to near the top (-70°), on each side.
            t = i / 14
            angle = math.radians(90 + side * (20 + 150 * t))
            x, y = cx + radius * math.cos(angle), cy + radius * math.sin(angle)
            tangent = angle + side * math.pi / 2
            length, width = radius * 0.2, radius * 0.085
            for offset in (-1, 1):
                gx = x + offset * width * 0.9 * math.cos(angle)
                gy = y + offset * width * 0.9 * math.sin(angle)
                grain = [
                    (
                        gx + length / 2 * math.cos(tangent + offset * 0.5) * k,
                        gy + length / 2 * math.sin(tangent + offset * 0.5) * k,
                    )
                    for k in (-1, 1)
                ]
                draw.line(grain, fill=GOLD, width=int(width))


def main():
    font_path = sys.argv[1] if len(sys.argv) > 1 else "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf"
    w, h = WIDTH * SCALE, HEIGHT * SCALE
    image = Image.new("RGBA", (w, h), (255, 255, 255, 0))
    draw = ImageDraw.Draw(image)
    cx, cy, radius = h / 2, h / 2, h * 0.46
    rice_ring(draw, cx, cy, radius * 0.86)
    disc = radius * 0.62
    draw.ellipse((cx - disc, cy - disc, cx + disc, cy + disc), fill=RED, outline=DARK_GOLD, width=SCALE * 2)
    draw.polygon(star(cx, cy - disc * 0.12, disc * 0.62, disc * 0.25), fill=GOLD)
    gear(draw, cx, cy + disc * 0.78, disc * 0.36)
    ribbon = (cx - disc * 0.9, cy + radius * 0.86, cx + disc * 0.9, cy + radius * 0.99)
    draw.rounded_rectangle(ribbon, radius=SCALE * 4, fill=RED)
    font = ImageFont.truetype(font_path, int(h * 0.3))
    text_x = h * 1.05
    draw.text((text_x, h / 2), "BỘ Y TẾ", font=font, fill=DARK_RED, anchor="lm")
    image = image.resize((WIDTH, HEIGHT), Image.LANCZOS)
    OUT.parent.mkdir(parents=True, exist_ok=True)
    image.save(OUT, optimize=True)
    print(OUT)


if __name__ == "__main__":
    main()
