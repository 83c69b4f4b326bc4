"""How long one icon frame takes to render, per size (cold: the IconRenderer cache is bypassed).

    .venv/bin/python tests/bench/render_bench.py [--iterations 300]

Each iteration renders a different utilization, so nothing but the font lookup and the font
size fitted to each centre text (both cached per process, as in the tray) is reused. Prints a markdown table: median and 95th percentile
in milliseconds, for a plain frame, a frame with centre text, and a health-glyph frame; the
last column is a cache hit through ``IconRenderer`` (what an unchanged view costs).
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import time
from collections.abc import Callable

import PIL

from claude_tray.model import Health, IconSpec, Severity
from claude_tray.render.ring import IconRenderer, render_icon

SIZES = (16, 22, 24, 32, 44, 48, 64, 128)

Make = Callable[[int], IconSpec]
KINDS: dict[str, Make] = {
    "plain": lambda i: IconSpec(float(i % 100), float((i * 7) % 100), Severity.WARN, Health.FRESH),
    "text": lambda i: IconSpec(float(i % 100), 85.0, Severity.WARN, Health.FRESH, str(i % 100)),
    "glyph": lambda i: IconSpec(float(i % 100), 60.0, Severity.CALM, Health.OFFLINE),
}


def time_cold(make: Make, size: int, iterations: int) -> list[float]:
    render_icon(make(0), size)  # warm the font lookup and Pillow's lazy imports
    samples = []
    for i in range(iterations):
        spec = make(i)
        start = time.perf_counter()
        render_icon(spec, size)
        samples.append(time.perf_counter() - start)
    return samples


def time_cache_hit(size: int, iterations: int) -> list[float]:
    renderer = IconRenderer()
    spec = KINDS["text"](42)
    renderer.render(spec, size)
    samples = []
    for _ in range(iterations):
        start = time.perf_counter()
        renderer.render(spec, size)
        samples.append(time.perf_counter() - start)
    return samples


def ms(samples: list[float]) -> str:
    p95 = statistics.quantiles(samples, n=20)[-1]
    return f"{statistics.median(samples) * 1e3:.2f} / {p95 * 1e3:.2f}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--iterations", type=int, default=300)
    args = parser.parse_args()
    print(
        f"Python {platform.python_version()}, Pillow {PIL.__version__}, {platform.machine()}, "
        f"{os.cpu_count()} CPUs; {args.iterations} frames per cell; median / p95 in ms\n"
    )
    print("| size (px) | plain | centre text | health glyph | cache hit (µs) |")
    print("|---:|---:|---:|---:|---:|")
    for size in SIZES:
        cells = [ms(time_cold(make, size, args.iterations)) for make in KINDS.values()]
        hit = statistics.median(time_cache_hit(size, args.iterations)) * 1e6
        print(f"| {size} | {' | '.join(cells)} | {hit:.1f} |")


if __name__ == "__main__":
    main()
