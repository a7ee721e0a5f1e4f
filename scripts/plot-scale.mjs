#!/usr/bin/env node
/**
 * Plots the scale benchmark's results as an SVG, with no dependencies:
 *
 *   node scripts/plot-scale.mjs [results.json] [out.svg]
 *
 * Defaults: bench/results/scale.json (written by `npm run bench -- scale`) → docs/scale.svg.
 * Three panels against the number of events (log x): µs per event for rebuild, µs per
 * accepted event for sync, and live heap bytes per event after the rebuild (events +
 * chart, and the chart's part). Whiskers span the fastest and slowest run; a dotted line
 * per series marks the goal, 1.5× its cost at the smallest size. The title names the
 * machine the JSON recorded.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const input = resolve(root, process.argv[2] ?? 'bench/results/scale.json');
const output = resolve(root, process.argv[3] ?? 'docs/scale.svg');
const results = JSON.parse(readFileSync(input, 'utf8'));
const sizes = [...results.sizes].sort((a, b) => a.events - b.events);
if (sizes.length === 0) throw new Error(`${input} holds no sizes`);
const goal = results.growth?.[0]?.goal ?? 1.5;

const W = 770;
const H = 400;
const FONT = 'system-ui, -apple-system, "Segoe UI", Helvetica, Arial, sans-serif';
const COLORS = { rebuild: '#1f6fb4', sync: '#d1495b', heap: '#6a3d9a' };

const esc = (s) =>
  String(s).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
const fmt = (v) => (v >= 100 ? Math.round(v).toLocaleString('en-US') : v >= 10 ? v.toFixed(1) : v.toFixed(2));
const sizeLabel = (n) => (n >= 1e6 ? `${n / 1e6}M` : n >= 1e3 ? `${n / 1e3}k` : String(n));

/** Ticks 0, step, 2·step … up to at least max, step a 1-2-2.5-5 multiple giving ~5 ticks, with their labels. */
function niceTicks(max) {
  const raw = max / 5;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * mag).find((s) => s >= raw) ?? 10 * mag;
  const decimals = Math.max(0, -Math.floor(Math.log10(step) + 1e-9) + (step / mag === 2.5 ? 1 : 0));
  const ticks = [];
  for (let i = 0; i === 0 || ticks.at(-1).value < max; i++) {
    const value = i * step;
    ticks.push({
      value,
      label: value.toLocaleString('en-US', {
        minimumFractionDigits: decimals,
        maximumFractionDigits: decimals,
      }),
    });
  }
  return ticks;
}

/** One panel: `series` = [{ color, values: number[], runs?: number[][], dashed?, goal? }] over `sizes`. Returns SVG markup. */
function panel({ x0, y0, w, h, title, yLabel, series }) {
  const lo = Math.log10(sizes[0].events) - 0.3;
  const hi = Math.log10(sizes.at(-1).events) + 0.3;
  const sx = (n) => x0 + ((Math.log10(n) - lo) / (hi - lo)) * w;
  const top = Math.max(...series.flatMap((s) => [...s.values, ...(s.runs ?? []).flat(), s.goal ?? 0]));
  const ticks = niceTicks(top * 1.12);
  const yMax = ticks.at(-1).value;
  const sy = (v) => y0 + h - (v / yMax) * h;
  const parts = [];
  parts.push(
    `<text x="${x0 + w / 2}" y="${y0 - 10}" text-anchor="middle" font-size="13" font-weight="600">${esc(title)}</text>`,
  );
  for (const t of ticks) {
    parts.push(`<line x1="${x0}" x2="${x0 + w}" y1="${sy(t.value)}" y2="${sy(t.value)}" stroke="#e6e6e6"/>`);
    parts.push(
      `<text x="${x0 - 6}" y="${sy(t.value) + 4}" text-anchor="end" font-size="11" fill="#444">${esc(t.label)}</text>`,
    );
  }
  for (const s of sizes) {
    parts.push(
      `<line x1="${sx(s.events)}" x2="${sx(s.events)}" y1="${y0 + h}" y2="${y0 + h + 4}" stroke="#444"/>`,
    );
    parts.push(
      `<text x="${sx(s.events)}" y="${y0 + h + 17}" text-anchor="middle" font-size="11" fill="#444">${esc(sizeLabel(s.events))}</text>`,
    );
  }
  parts.push(`<rect x="${x0}" y="${y0}" width="${w}" height="${h}" fill="none" stroke="#999"/>`);
  parts.push(
    `<text transform="translate(${x0 - 46} ${y0 + h / 2}) rotate(-90)" text-anchor="middle" font-size="11.5">${esc(yLabel)}</text>`,
  );
  for (const s of series) {
    if (s.goal !== undefined) {
      parts.push(
        `<line x1="${x0}" x2="${x0 + w}" y1="${sy(s.goal)}" y2="${sy(s.goal)}" stroke="${s.color}" stroke-width="1.2" stroke-dasharray="2 3"/>`,
      );
    }
    const pts = s.values.map((v, i) => [sx(sizes[i].events), sy(v)]);
    // Whiskers: the fastest and slowest run, so the noise of a shared machine shows.
    (s.runs ?? []).forEach((runs, i) => {
      if (runs.length < 2) return;
      const x = pts[i][0].toFixed(1);
      parts.push(
        `<line x1="${x}" x2="${x}" y1="${sy(Math.min(...runs)).toFixed(1)}" y2="${sy(Math.max(...runs)).toFixed(1)}" stroke="${s.color}" stroke-width="1" opacity="0.55"/>`,
      );
      for (const v of [Math.min(...runs), Math.max(...runs)])
        parts.push(
          `<line x1="${(pts[i][0] - 3).toFixed(1)}" x2="${(pts[i][0] + 3).toFixed(1)}" y1="${sy(v).toFixed(1)}" y2="${sy(v).toFixed(1)}" stroke="${s.color}" stroke-width="1" opacity="0.55"/>`,
        );
    });
    parts.push(
      `<polyline points="${pts.map(([x, y]) => `${x.toFixed(1)},${y.toFixed(1)}`).join(' ')}" fill="none" stroke="${s.color}" stroke-width="2"${s.dashed ? ' stroke-dasharray="6 4"' : ''}/>`,
    );
    s.values.forEach((v, i) => {
      const [x, y] = pts[i];
      parts.push(
        `<circle cx="${x.toFixed(1)}" cy="${y.toFixed(1)}" r="3.5" fill="${s.dashed ? '#fff' : s.color}" stroke="${s.color}" stroke-width="1.5"/>`,
      );
      parts.push(
        `<text x="${x.toFixed(1)}" y="${(y - 8).toFixed(1)}" text-anchor="middle" font-size="10" fill="${s.color}" stroke="#fff" stroke-width="3" paint-order="stroke">${esc(fmt(v))}</text>`,
      );
    });
  }
  return parts.join('\n  ');
}

const m = results.machine;
const subtitle = `${m.cpu} · ${m.cores} cores · ${m.memoryGb} GB · Node ${m.node} · ${m.os} · commit ${results.commit} · ${results.startedAt.slice(0, 10)} · shared machine, medians`;
const frame = { y0: 82, w: 178, h: 226 };
const rebuildPanel = panel({
  ...frame,
  x0: 64,
  title: 'Rebuild from scratch',
  yLabel: 'µs per event',
  series: [
    {
      color: COLORS.rebuild,
      values: sizes.map((s) => s.rebuild.usPerEvent),
      runs: sizes.map((s) => s.rebuild.runsUsPerEvent),
      goal: goal * sizes[0].rebuild.usPerEvent,
    },
  ],
});
const syncPanel = panel({
  ...frame,
  x0: 322,
  title: 'Sync after an outage',
  yLabel: 'µs per accepted event',
  series: [
    {
      color: COLORS.sync,
      values: sizes.map((s) => s.sync.usPerEvent),
      runs: sizes.map((s) => s.sync.runsUsPerEvent),
      goal: goal * sizes[0].sync.usPerEvent,
    },
  ],
});
const heapPanel = panel({
  ...frame,
  x0: 580,
  title: 'Live heap after rebuild',
  yLabel: 'bytes per event',
  series: [
    {
      color: COLORS.heap,
      values: sizes.map((s) => s.memory.heapBytesPerEvent),
      goal: goal * sizes[0].memory.heapBytesPerEvent,
    },
    { color: COLORS.heap, values: sizes.map((s) => s.memory.chartBytesPerEvent), dashed: true },
  ],
});

const legendY = 366;
const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family='${FONT}' fill="#222">
  <rect width="${W}" height="${H}" fill="#fff"/>
  <text x="${W / 2}" y="24" text-anchor="middle" font-size="15" font-weight="700">chartlog: cost per event as the log grows (primary-care workload, 3 sites)</text>
  <text x="${W / 2}" y="42" text-anchor="middle" font-size="10.5" fill="#555">${esc(subtitle)}</text>
  ${rebuildPanel}
  ${syncPanel}
  ${heapPanel}
  <text x="${W / 2}" y="344" text-anchor="middle" font-size="11.5">events in the log (log scale; ${results.eventsPerPatient} events per patient at every size)</text>
  <g font-size="11">
    <line x1="78" x2="100" y1="${legendY}" y2="${legendY}" stroke="#555" stroke-width="2"/>
    <circle cx="89" cy="${legendY}" r="3.5" fill="#555"/>
    <text x="106" y="${legendY + 4}">median (heap: events + chart)</text>
    <line x1="290" x2="290" y1="${legendY - 7}" y2="${legendY + 7}" stroke="#555" opacity="0.55"/>
    <text x="298" y="${legendY + 4}">fastest–slowest run</text>
    <line x1="430" x2="452" y1="${legendY}" y2="${legendY}" stroke="${COLORS.heap}" stroke-width="2" stroke-dasharray="6 4"/>
    <text x="458" y="${legendY + 4}">of which the chart</text>
    <line x1="580" x2="602" y1="${legendY}" y2="${legendY}" stroke="#555" stroke-width="1.2" stroke-dasharray="2 3"/>
    <text x="608" y="${legendY + 4}">goal: ${goal}× the cost at ${esc(sizeLabel(sizes[0].events))}</text>
  </g>
  <text x="${W / 2}" y="${H - 8}" text-anchor="middle" font-size="10" fill="#777">npm run bench -- scale; node scripts/plot-scale.mjs. A flat line is a constant cost per event.</text>
</svg>
`;
mkdirSync(dirname(output), { recursive: true });
writeFileSync(output, svg);
process.stderr.write(`wrote ${output}\n`);
