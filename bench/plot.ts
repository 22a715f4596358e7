/** A small generated SVG line chart (no plotting dependency): one series per line, shared x axis. */
export interface Series {
  readonly label: string;
  readonly unit: string;
  readonly points: readonly { x: number; y: number }[];
}

function escapeXml(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
}

/** Renders side-by-side panels, one per series, each scaled to its own y range. */
export function renderSvg(title: string, xLabel: string, series: readonly Series[]): string {
  const panelW = 360;
  const panelH = 240;
  const margin = { left: 64, right: 16, top: 40, bottom: 48 };
  const width = series.length * (panelW + margin.left + margin.right);
  const height = panelH + margin.top + margin.bottom + 24;
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" font-family="sans-serif" font-size="12">`,
    `<rect width="100%" height="100%" fill="white"/>`,
    `<text x="${width / 2}" y="18" text-anchor="middle" font-size="14">${escapeXml(title)}</text>`,
  ];
  series.forEach((s, i) => {
    const ox = i * (panelW + margin.left + margin.right) + margin.left;
    const oy = margin.top + 12;
    const xs = s.points.map((p) => p.x);
    const ys = s.points.map((p) => p.y);
    const xMax = Math.max(...xs, 1);
    const yMax = Math.max(...ys, 1e-9) * 1.1;
    const px = (x: number) => ox + (x / xMax) * panelW;
    const py = (y: number) => oy + panelH - (y / yMax) * panelH;
    parts.push(`<rect x="${ox}" y="${oy}" width="${panelW}" height="${panelH}" fill="none" stroke="#999"/>`);
    parts.push(
      `<text x="${ox + panelW / 2}" y="${oy - 8}" text-anchor="middle">${escapeXml(`${s.label} (${s.unit})`)}</text>`,
    );
    for (let t = 0; t <= 4; t++) {
      const y = (yMax * t) / 4;
      parts.push(`<text x="${ox - 6}" y="${py(y) + 4}" text-anchor="end" fill="#555">${y.toPrecision(3)}</text>`);
      parts.push(`<line x1="${ox}" x2="${ox + panelW}" y1="${py(y)}" y2="${py(y)}" stroke="#eee"/>`);
    }
    for (const x of xs)
      parts.push(`<text x="${px(x)}" y="${oy + panelH + 16}" text-anchor="middle" fill="#555">${x}</text>`);
    parts.push(`<text x="${ox + panelW / 2}" y="${oy + panelH + 34}" text-anchor="middle">${escapeXml(xLabel)}</text>`);
    const path = s.points.map((p, j) => `${j === 0 ? "M" : "L"}${px(p.x).toFixed(1)},${py(p.y).toFixed(1)}`).join(" ");
    parts.push(`<path d="${path}" fill="none" stroke="#1f77b4" stroke-width="2"/>`);
    for (const p of s.points)
      parts.push(`<circle cx="${px(p.x).toFixed(1)}" cy="${py(p.y).toFixed(1)}" r="3" fill="#1f77b4"/>`);
  });
  parts.push("</svg>");
  return `${parts.join("\n")}\n`;
}
