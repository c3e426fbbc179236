"""Draw docs/latency.svg from `x3d-cost calibrate --predictions` files (no plotting library needed).

Usage: python3 tools/plot_latency.py OUT.svg LABEL=predictions.csv [LABEL=predictions.csv …]

Each CSV has `key,macs,measured_ms,predicted_ms` (held-out predictions). Left panel: multiply-adds against measured
latency; right panel: predicted against measured latency with the line y = x and a ±10% band. Both log-log.
"""
import csv
import math
import sys

COLORS = ["#1f77b4", "#d62728", "#2ca02c", "#9467bd"]
W, H, M = 420, 380, 60


def read(path):
    with open(path, newline="") as handle:
        return [(float(r["macs"]), float(r["measured_ms"]), float(r["predicted_ms"])) for r in csv.DictReader(handle)]


def ticks(low, high):
    out = []
    for e in range(math.floor(math.log10(low)), math.ceil(math.log10(high)) + 1):
        for m in (1, 2, 5):
            v = m * 10 ** e
            if low <= v <= high:
                out.append(v)
    return out


def label(v):
    if v >= 1e9:
        return f"{v / 1e9:g} G"
    if v >= 1e6:
        return f"{v / 1e6:g} M"
    return f"{v:g}"


def panel(x0, title, xlabel, series, xs, ys, diagonal):
    lo_x, hi_x = min(xs) / 1.15, max(xs) * 1.15
    lo_y, hi_y = min(ys) / 1.15, max(ys) * 1.15
    if diagonal:
        lo_x = lo_y = min(lo_x, lo_y)
        hi_x = hi_y = max(hi_x, hi_y)

    def px(v):
        return x0 + M + (math.log(v) - math.log(lo_x)) / (math.log(hi_x) - math.log(lo_x)) * (W - M - 15)

    def py(v):
        return H - M + 10 - (math.log(v) - math.log(lo_y)) / (math.log(hi_y) - math.log(lo_y)) * (H - M - 30)

    out = [f'<text x="{x0 + W / 2 + 20}" y="18" text-anchor="middle" font-size="13">{title}</text>',
           f'<rect x="{px(lo_x)}" y="{py(hi_y)}" width="{px(hi_x) - px(lo_x)}" height="{py(lo_y) - py(hi_y)}" '
           'fill="none" stroke="#444"/>']
    for t in ticks(lo_x, hi_x):
        out.append(f'<line x1="{px(t)}" y1="{py(lo_y)}" x2="{px(t)}" y2="{py(lo_y) + 4}" stroke="#444"/>'
                   f'<text x="{px(t)}" y="{py(lo_y) + 16}" text-anchor="middle" font-size="10">{label(t)}</text>')
    for t in ticks(lo_y, hi_y):
        out.append(f'<line x1="{px(lo_x) - 4}" y1="{py(t)}" x2="{px(lo_x)}" y2="{py(t)}" stroke="#444"/>'
                   f'<text x="{px(lo_x) - 6}" y="{py(t) + 3}" text-anchor="end" font-size="10">{label(t)}</text>')
    out.append(f'<text x="{x0 + W / 2 + 20}" y="{H - 12}" text-anchor="middle" font-size="11">{xlabel}</text>')
    out.append(f'<text transform="translate({x0 + 14},{H / 2}) rotate(-90)" text-anchor="middle" font-size="11">'
               'measured latency, ms</text>')
    if diagonal:
        band = " ".join(f"{px(v)},{py(v * 1.1)}" for v in (lo_x, hi_x / 1.1)) + " " + " ".join(
            f"{px(v)},{py(v / 1.1)}" for v in (hi_x, lo_x * 1.1))
        out.append(f'<polygon points="{band}" fill="#ddd" stroke="none"/>')
        out.append(f'<line x1="{px(lo_x)}" y1="{py(lo_y)}" x2="{px(hi_x)}" y2="{py(hi_y)}" stroke="#888"/>')
    for index, (name, points) in enumerate(series):
        color = COLORS[index % len(COLORS)]
        for x, y in points:
            out.append(f'<circle cx="{px(x):.1f}" cy="{py(y):.1f}" r="2.6" fill="{color}" fill-opacity="0.8"/>')
        out.append(f'<circle cx="{px(lo_x) + 12}" cy="{py(hi_y) + 14 + 14 * index}" r="3" fill="{color}"/>'
                   f'<text x="{px(lo_x) + 20}" y="{py(hi_y) + 18 + 14 * index}" font-size="10">{name}</text>')
    return out


def main():
    out_path, specs = sys.argv[1], sys.argv[2:]
    data = [(spec.split("=", 1)[0], read(spec.split("=", 1)[1])) for spec in specs]
    left = [(name, [(m, meas) for m, meas, _ in rows]) for name, rows in data]
    right = [(name, [(pred, meas) for _, meas, pred in rows]) for name, rows in data]
    all_rows = [r for _, rows in data for r in rows]
    body = panel(0, "multiply-adds vs measured", "multiply-adds", left, [r[0] for r in all_rows],
                 [r[1] for r in all_rows], False)
    body += panel(W + 20, "held-out prediction vs measured (band ±10%)", "predicted latency, ms", right,
                  [r[2] for r in all_rows], [r[1] for r in all_rows], True)
    svg = (f'<svg xmlns="http://www.w3.org/2000/svg" width="{2 * W + 40}" height="{H}" font-family="sans-serif">'
           '<rect width="100%" height="100%" fill="white"/>' + "".join(body) + "</svg>\n")
    with open(out_path, "w") as handle:
        handle.write(svg)


if __name__ == "__main__":
    main()
