// The IPA map: a picture of the Realm's IPA space as an SVG in a webview. Three rows share one
// horizontal scale of offsets within a half, so an unprotected alias sits right under its
// protected address: the protected half's RIPAS ranges, the board's RAM and devices (from the
// guest's device tree), and the unprotected half's shared apertures (assigned_ns entries).
// The scale is logarithmic per region, so 4 KiB pages and terabyte-sized holes are both visible.

import type { DtRegion } from './fdt';
import { escapeHtml, hexShort, sizeLong } from './format';

export interface IpaMapInput {
  ipaWidth: number;
  unprotectedBit: bigint;
  ripas: { base: bigint; top: bigint; ripas: string; assigned: boolean }[];
  /** assigned_ns ranges, as absolute IPAs (in the unprotected half). */
  shared: { base: bigint; top: bigint; pa?: string }[];
  board?: DtRegion[];
  /** Why the board row is empty, when it is. */
  boardNote?: string;
  /** How a click opens memory: the IPA views (ipa:/uipa:) or the physical address the RTT maps. */
  view: 'ipa' | 'physical';
  /** A line under the title, e.g. "stop 3" or "frozen". */
  status?: string;
}

export type RowId = 'ripas' | 'board' | 'shared';

export interface MapRect {
  row: RowId;
  /** Absolute IPA range. */
  base: bigint;
  top: bigint;
  x: number;
  width: number;
  kind: string;
  label: string;
  /** The memory reference a click opens in the IPA views. */
  ref: string;
  color: string;
}

export interface IpaMapLayout {
  half: bigint;
  rects: MapRect[];
  ticks: { offset: bigint; x: number }[];
  /** x of the bars' left edge and their width, in SVG units. */
  left: number;
  width: number;
}

export const COLORS: Record<string, string> = {
  'RAM assigned': '#2e7d32',
  'RAM': '#81c784',
  'EMPTY': '#9e9e9e',
  'DESTROYED': '#e53935',
  'board RAM': '#42a5f5',
  'device': '#ffb300',
  'shared': '#fb8c00',
  'unassigned_ns': '#ce93d8',
};

// SVG units: the view is usually a narrow side bar, so the bars take the whole width and each
// row's title sits above its bar.
const VIEW_W = 600, LEFT = 4, WIDTH = VIEW_W - 8;

function weight(size: bigint): number {
  // 4 KiB -> 3, 2 MiB -> 12, 1 GiB -> 21, 1 TiB -> 31
  const bits = size > 0n ? size.toString(2).length - 1 : 0;
  return 3 + Math.max(0, bits - 12);
}

export function layoutIpaMap(input: IpaMapInput): IpaMapLayout {
  const half = input.unprotectedBit;
  const clip = (v: bigint) => (v < 0n ? 0n : v > half ? half : v);
  const pts = new Set<bigint>([0n, half]);
  for (const r of input.ripas) { pts.add(clip(r.base)); pts.add(clip(r.top)); }
  for (const r of input.board ?? []) { pts.add(clip(r.base)); pts.add(clip(r.base + r.size)); }
  for (const r of input.shared) { pts.add(clip(r.base - half)); pts.add(clip(r.top - half)); }
  const bounds = [...pts].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const weights = bounds.slice(1).map((b, i) => weight(b - bounds[i]));
  const total = weights.reduce((a, b) => a + b, 0) || 1;
  const xOf = new Map<bigint, number>();
  let acc = 0;
  bounds.forEach((b, i) => { xOf.set(b, LEFT + (acc / total) * WIDTH); acc += weights[i] ?? 0; });
  const x = (off: bigint) => xOf.get(clip(off)) ?? LEFT;
  const rects: MapRect[] = [];
  const add = (row: RowId, base: bigint, top: bigint, offBase: bigint, offTop: bigint, kind: string, label: string, ref: string) => {
    if (offTop <= offBase) return;
    const x0 = x(offBase), x1 = x(offTop);
    rects.push({ row, base, top, x: x0, width: Math.max(0.5, x1 - x0), kind, label, ref, color: COLORS[kind] ?? '#888' });
  };
  for (const r of input.ripas) {
    const kind = r.ripas === 'RAM' ? (r.assigned ? 'RAM assigned' : 'RAM') : r.ripas;
    add('ripas', r.base, r.top, clip(r.base), clip(r.top), kind, `RIPAS ${r.ripas}${r.assigned ? ', assigned' : r.ripas === 'RAM' ? ', not yet backed' : ''}`, `ipa:${hexShort(r.base)}`);
  }
  for (const r of input.board ?? []) {
    const isRam = r.kind === 'ram';
    add('board', r.base, r.base + r.size, clip(r.base), clip(r.base + r.size), isRam ? 'board RAM' : 'device',
      `${isRam ? 'RAM' : 'device'} ${r.name}${r.compatible ? ` (${r.compatible})` : ''}${isRam ? '' : ': reachable only through the unprotected alias'}`,
      isRam ? `ipa:${hexShort(r.base)}` : `uipa:${hexShort(r.base)}`);
  }
  // The unprotected half: unassigned_ns everywhere except the shared apertures.
  let cursor = half;
  for (const r of input.shared) {
    if (r.base > cursor) add('shared', cursor, r.base, cursor - half, r.base - half, 'unassigned_ns', 'unassigned_ns: nothing shared (device accesses exit to the host)', `uipa:${hexShort(cursor - half)}`);
    add('shared', r.base, r.top, r.base - half, r.top - half, 'shared', `shared aperture (assigned_ns)${r.pa ? `, PA ${r.pa}` : ''}`, `uipa:${hexShort(r.base - half)}`);
    cursor = r.top;
  }
  if (cursor < 2n * half) add('shared', cursor, 2n * half, cursor - half, half, 'unassigned_ns', 'unassigned_ns: nothing shared (device accesses exit to the host)', `uipa:${hexShort(cursor - half)}`);
  return { half, rects, ticks: bounds.map(b => ({ offset: b, x: x(b) })), left: LEFT, width: WIDTH };
}

const ROWS: { id: RowId; title: string; sub: (half: bigint) => string }[] = [
  { id: 'ripas', title: 'Protected half: RIPAS', sub: h => `[0x0, ${hexShort(h)})` },
  { id: 'board', title: 'Board: RAM and devices', sub: () => 'from the guest\'s device tree' },
  { id: 'shared', title: 'Unprotected half: shared', sub: h => `[${hexShort(h)}, ${hexShort(2n * h)})` },
];

/** The whole webview page. `nonce` and `cspSource` come from the webview. */
export function renderIpaMapHtml(input: IpaMapInput, nonce: string, cspSource: string): string {
  const L = layoutIpaMap(input);
  const rowH = 26, top = 18, gap = 24;
  const rowsSvg = ROWS.map((row, i) => {
    const y = top + i * (rowH + gap);
    const rects = L.rects.filter(r => r.row === row.id).map(r => {
      const info = `${r.label} · [${hexShort(r.base)}, ${hexShort(r.top)}) · ${sizeLong(r.top - r.base)}`;
      return `<rect class="region" x="${r.x.toFixed(2)}" y="${y}" width="${r.width.toFixed(2)}" height="${rowH}" fill="${r.color}" data-ref="${escapeHtml(r.ref)}" data-ipa="${hexShort(r.base)}" data-info="${escapeHtml(info)}"><title>${escapeHtml(info)}</title></rect>`;
    }).join('');
    const empty = row.id === 'board' && !(input.board?.length)
      ? `<text x="${L.left + 6}" y="${y + rowH / 2 + 4}" class="note">${escapeHtml(input.boardNote ?? 'no device tree found')}</text>` : '';
    return `<text x="${L.left}" y="${y - 5}" class="rowtitle">${escapeHtml(row.title)} <tspan class="rowsub">${escapeHtml(row.sub(L.half))}</tspan></text>`
      + `<rect x="${L.left}" y="${y}" width="${L.width}" height="${rowH}" class="track"/>${rects}${empty}`;
  }).join('');
  const axisY = top + ROWS.length * (rowH + gap) - gap + 4;
  let lastX = -Infinity;
  const ticks = L.ticks.map(t => {
    const line = `<line x1="${t.x.toFixed(2)}" y1="${top - 2}" x2="${t.x.toFixed(2)}" y2="${axisY}" class="tick"/>`;
    if (t.x - lastX < 13 || t.offset === L.half) return line; // the half's end is in the row titles
    lastX = t.x;
    return `${line}<text transform="translate(${t.x.toFixed(2)},${axisY + 6}) rotate(60)" class="ticklabel">${hexShort(t.offset)}</text>`;
  }).join('');
  const height = axisY + 78;
  const legend = Object.entries(COLORS).map(([k, c]) => `<span class="key"><span class="swatch" style="background:${c}"></span>${escapeHtml(legendName(k))}</span>`).join('');
  const table = L.rects.map(r => `<tr><td>${escapeHtml(ROWS.find(x => x.id === r.row)!.title)}</td><td><a href="#" class="open" data-ref="${escapeHtml(r.ref)}" data-ipa="${hexShort(r.base)}">${hexShort(r.base)}</a></td><td>${hexShort(r.top)}</td><td>${sizeLong(r.top - r.base)}</td><td>${escapeHtml(r.label)}</td></tr>`).join('');
  return `<!DOCTYPE html>
<html lang="en"><head><meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src ${cspSource} 'unsafe-inline'; script-src 'nonce-${nonce}';">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<title>IPA map</title>
<style>
body { color: var(--vscode-foreground); font-family: var(--vscode-font-family); font-size: var(--vscode-font-size); padding: 4px 8px; }
svg { width: 100%; height: auto; display: block; }
.rowtitle { fill: var(--vscode-foreground); font-size: 13px; font-weight: 600; }
.rowsub { fill: var(--vscode-descriptionForeground); font-weight: normal; font-size: 11px; }
.ticklabel, .note { fill: var(--vscode-descriptionForeground); font-size: 10px; font-family: var(--vscode-editor-font-family); }
.track { fill: none; stroke: var(--vscode-panel-border, #8884); }
.tick { stroke: var(--vscode-descriptionForeground); stroke-opacity: 0.25; stroke-width: 0.5; }
.region { stroke: var(--vscode-editor-background, #000); stroke-width: 0.5; cursor: pointer; }
.region:hover { stroke: var(--vscode-focusBorder, #09f); stroke-width: 2; }
#info { min-height: 2.8em; font-family: var(--vscode-editor-font-family); font-size: 12px; margin: 4px 0; }
.key { margin-right: 12px; white-space: nowrap; }
.swatch { display: inline-block; width: 10px; height: 10px; margin-right: 4px; vertical-align: middle; }
table { border-collapse: collapse; font-family: var(--vscode-editor-font-family); font-size: 11px; }
td { padding: 1px 6px; }
a { color: var(--vscode-textLink-foreground); }
.bar { display: flex; gap: 12px; align-items: center; flex-wrap: wrap; }
</style></head>
<body>
<div class="bar"><span><b>IPA width ${input.ipaWidth}</b> · unprotected bit ${hexShort(input.unprotectedBit)}${input.status ? ` · ${escapeHtml(input.status)}` : ''}</span>
<label>Click opens <select id="view">
<option value="ipa"${input.view === 'ipa' ? ' selected' : ''}>the IPA view (ipa: / uipa:)</option>
<option value="physical"${input.view === 'physical' ? ' selected' : ''}>the physical address (p:)</option>
</select></label></div>
<svg id="map" viewBox="0 0 ${VIEW_W} ${height}" xmlns="http://www.w3.org/2000/svg">${ticks}${rowsSvg}</svg>
<div id="info">Hover over a region for its range; click to open memory there.</div>
<div>${legend}</div>
<details><summary>${L.rects.length} regions</summary><table>${table}</table></details>
<script nonce="${nonce}">
const vscode = acquireVsCodeApi();
const info = document.getElementById('info');
for (const el of document.querySelectorAll('.region')) {
  el.addEventListener('mouseenter', () => { info.textContent = el.dataset.info; });
  el.addEventListener('click', () => vscode.postMessage({ type: 'open', ref: el.dataset.ref, ipa: el.dataset.ipa }));
}
for (const el of document.querySelectorAll('a.open')) {
  el.addEventListener('click', e => { e.preventDefault(); vscode.postMessage({ type: 'open', ref: el.dataset.ref, ipa: el.dataset.ipa }); });
}
document.getElementById('view').addEventListener('change', e => vscode.postMessage({ type: 'view', view: e.target.value }));
</script>
</body></html>`;
}

function legendName(k: string): string {
  return ({
    'RAM assigned': 'RIPAS RAM, assigned',
    'RAM': 'RIPAS RAM, not yet backed',
    'EMPTY': 'RIPAS EMPTY',
    'DESTROYED': 'RIPAS DESTROYED',
    'board RAM': 'RAM (device tree)',
    'device': 'device',
    'shared': 'shared aperture (assigned_ns)',
    'unassigned_ns': 'unassigned_ns',
  } as Record<string, string>)[k] ?? k;
}

/** A page with one message (no session, not a Realm, an error). */
export function renderMessageHtml(text: string, cspSource: string): string {
  return `<!DOCTYPE html><html lang="en"><head><meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src ${cspSource} 'unsafe-inline';">
<style>body { color: var(--vscode-descriptionForeground); font-family: var(--vscode-font-family); padding: 8px; }</style>
</head><body><p id="message">${escapeHtml(text)}</p></body></html>`;
}
