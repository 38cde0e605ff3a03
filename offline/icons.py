"""The app icon as PNG, drawn with Pillow from the same shapes as static/img/icon.svg (a white tick
on the CongVu blue). `python manage.py offline_icons` rewrites the committed PNGs."""

import io

from PIL import Image, ImageDraw

BLUE = (31, 78, 121, 255)
WHITE = (255, 255, 255, 255)
SIZES = (192, 512)


def icon_png(size: int, *, maskable: bool = False) -> bytes:
    """A square icon. The maskable variant fills the whole square and keeps the tick inside the
    central safe zone (80%), so launchers can crop it to any shape."""
    scale = 4  # draw large, then downsample: smooth edges without anti-aliasing support
    big = size * scale
    image = Image.new("RGBA", (big, big), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    if maskable:
        draw.rectangle((0, 0, big, big), fill=BLUE)
    else:
        draw.rounded_rectangle((0, 0, big - 1, big - 1), radius=big * 12 // 64, fill=BLUE)
    unit = big / 64 * (0.8 if maskable else 1.0)
    offset = (big - 64 * unit) / 2
    points = [(offset + x * unit, offset + y * unit) for x, y in ((16, 34), (26, 44), (48, 20))]
    width = round(7 * unit)
    draw.line(points, fill=WHITE, width=width, joint="curve")
    for x, y in (points[0], points[-1]):
        r = width / 2
        draw.ellipse((x - r, y - r, x + r, y + r), fill=WHITE)
    image = image.resize((size, size), Image.LANCZOS)
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=True)
    return out.getvalue()


def icon_files() -> dict[str, bytes]:
    """File name (under static/offline/icons/) → PNG bytes."""
    files = {}
    for size in SIZES:
        files[f"icon-{size}.png"] = icon_png(size)
        files[f"icon-{size}-maskable.png"] = icon_png(size, maskable=True)
    return files
