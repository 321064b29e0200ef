// "Translate Address…" and "Show Page-Table Walk": VA -> IPA -> PA with every descriptor read at
// both stages, as a Markdown document. Stage 1 comes from `realmscope/walk`, stage 2 from the RTT
// tables `realmscope/realm {query: 'rtt'}` reads along the IPA's path.

import type { RealmSummary, RttAnswer, RttEntry, WalkAnswer } from './protocol';
import { attributeText, ipaHalf } from './stage1';
import { big, hexShort, mdCell, sizeText, escapeHtml } from './format';

export interface Stage2Path { level: number; entry?: RttEntry; table: RttAnswer }

export interface TranslationInput {
  expression: string;
  walk: WalkAnswer;
  /** In a Realm: the summary and the RTT path of the IPA. */
  realm?: { summary: RealmSummary; path: Stage2Path[] };
  /** Why stage 2 is missing, when it is. */
  stage2Error?: string;
}

/** The physical address the RTT gives for an IPA, or why there is none. */
export function stage2Outcome(ipa: bigint, unprotectedBit: bigint, leaf: RttEntry | undefined): { pa?: bigint; text: string } {
  if (!leaf) return { text: 'no RTT entry covers this IPA (above the IPA space)' };
  const base = big(leaf.ipa) ?? 0n;
  const out = big(leaf.outputAddress);
  switch (leaf.state) {
    case 'assigned':
      if (out === undefined) return { text: 'assigned, output unknown' };
      if (leaf.ripas === 'RAM') return { pa: out + (ipa - base), text: 'assigned, RIPAS RAM: private Realm memory' };
      return { pa: out + (ipa - base), text: `assigned, RIPAS ${leaf.ripas}: an access gets the RMM's synchronous external abort` };
    case 'assigned_ns':
      if (out === undefined) return { text: 'assigned_ns, output unknown' };
      return { pa: out + (ipa - base), text: 'assigned_ns: a page the host shares with the Realm' };
    case 'unassigned_ns':
      return { text: ipa >= unprotectedBit ? 'unassigned_ns: nothing mapped; an access exits to the host (emulated MMIO for a device, a shared page mapped on demand for RAM whose protected alias is EMPTY)' : 'unassigned_ns' };
    case 'unassigned':
      if (leaf.ripas === 'RAM') return { text: 'unassigned, RIPAS RAM: the host backs the granule at the first access' };
      return { text: `unassigned, RIPAS ${leaf.ripas ?? '?'}: an access gets the RMM's synchronous external abort` };
    default:
      return { text: leaf.state };
  }
}

export function translationMarkdown(t: TranslationInput): string {
  const w = t.walk;
  const va = big(w.address) ?? 0n;
  const out: string[] = [];
  out.push(`# Translation of \`${t.expression}\``, '');
  out.push(`Virtual address **\`${w.address}\`**`, '');
  out.push('## Stage 1 (TTBRn_EL1)', '');
  if (w.steps.length === 0) {
    out.push(w.fault ? `No descriptor read: ${w.fault.kind} fault at level ${w.fault.level}.` : 'Stage 1 translation is off: the IPA is the virtual address.', '');
  } else {
    out.push('| level | descriptor address | descriptor | type | input | output | attributes |', '|---|---|---|---|---|---|---|');
    for (const s of w.steps) {
      const base = big(s.inputBase) ?? 0n, size = big(s.inputSize) ?? 0n;
      out.push(`| L${s.level} [${s.index}] | \`${s.descriptorAddress}\` | \`${s.descriptor}\` | ${s.type} | \`${hexShort(base)}\`+${sizeText(size)} | ${s.outputAddress ? `\`${s.outputAddress}\`` : '—'} | ${mdCell(attributeText(s.type, s.attributes))} |`);
    }
    out.push('');
  }
  if (w.fault) {
    out.push(`**Stage 1 fault:** ${w.fault.kind} at level ${w.fault.level}. The address does not translate.`, '');
    return out.join('\n');
  }
  const ipa = big(w.physicalAddress);
  if (ipa === undefined) { out.push('No output address.', ''); return out.join('\n'); }
  const inRealm = !!t.realm;
  out.push(`${inRealm ? 'IPA' : 'Physical address'} **\`${hexShort(ipa)}\`**${w.pageSize ? ` (page ${sizeText(big(w.pageSize) ?? 0n)})` : ''}${w.memoryType ? `, ${w.memoryType}` : ''}`, '');
  if (!t.realm) {
    if (t.stage2Error) out.push(`_Stage 2: ${t.stage2Error}_`, '');
    out.push(`**${w.address} → PA ${hexShort(ipa)}**`);
    return out.join('\n');
  }
  const ub = big(t.realm.summary.unprotectedBit) ?? 0n;
  const half = ipaHalf(ipa, ub);
  out.push(`The IPA is in the **${half}** half (unprotected bit ${t.realm.summary.unprotectedBit}, IPA width ${t.realm.summary.ipaWidth}).`, '');
  out.push('## Stage 2 (Realm Translation Table)', '');
  out.push('| level | table base | entry | IPA range | state | RIPAS | output |', '|---|---|---|---|---|---|---|');
  for (const p of t.realm.path) {
    const e = p.entry;
    if (!e) { out.push(`| L${p.level} | \`${p.table.base}\` | — | — | no entry covers the IPA | | |`); continue; }
    const base = big(e.ipa) ?? 0n, size = big(e.size) ?? 0n;
    const idx = e.count && e.count > 1 ? `${e.index + Number((ipa - base) / (size || 1n))} (of a run of ${e.count})` : String(e.index);
    const entryBase = e.count && e.count > 1 ? base + ((ipa - base) / (size || 1n)) * size : base;
    out.push(`| L${p.level} | \`${p.table.base}\` | ${idx} | \`${hexShort(entryBase)}\`+${sizeText(size)} | ${e.state} | ${e.ripas ?? ''} | ${e.outputAddress ? `\`${e.outputAddress}\`` : e.expand ? 'next table' : '—'} |`);
  }
  out.push('');
  const leaf = t.realm.path[t.realm.path.length - 1]?.entry;
  const res = stage2Outcome(ipa, ub, leaf);
  out.push(`Stage 2: ${res.text}.`, '');
  out.push(res.pa !== undefined
    ? `**${hexShort(va)} → IPA ${hexShort(ipa)} → PA ${hexShort(res.pa)}**`
    : `**${hexShort(va)} → IPA ${hexShort(ipa)} → no physical address**`);
  return out.join('\n');
}

/** What VS Code passes to a `debug/variables/context` command. */
export interface VariableContext { sessionId?: string; variable?: { name?: string; value?: string; evaluateName?: string; memoryReference?: string } }

/** The address expression for a variable: its memory reference (a register's or pointer's
 *  target), else a number its value starts with, else its evaluate name or name. */
export function expressionForVariable(ctx: VariableContext | undefined): string | undefined {
  const v = ctx?.variable;
  if (!v) return undefined;
  if (v.memoryReference && /^(0x[0-9a-f]+|\d+)$/i.test(v.memoryReference)) return v.memoryReference;
  const first = v.value?.trim().split(/\s+/)[0];
  if (first && /^(0x[0-9a-f]+|\d+)$/i.test(first)) return first;
  return v.evaluateName ?? v.name;
}

function inline(text: string): string {
  return escapeHtml(text)
    .replace(/`([^`]+)`/g, '<code>$1</code>')
    .replace(/\*\*([^*]+)\*\*/g, '<strong>$1</strong>')
    .replace(/(^|[\s(])_([^_]+)_(?=[\s.,)]|$)/g, '$1<em>$2</em>');
}

function tableCells(line: string): string[] {
  return line.trim().replace(/^\||\|$/g, '').split(/(?<!\\)\|/).map(c => c.trim().replace(/\\\|/g, '|'));
}

/** The Markdown subset the reports use (headings, tables, paragraphs, `code`, **bold**, _em_) as
 *  HTML, for the report panel. */
export function reportHtml(markdown: string): string {
  const lines = markdown.split('\n');
  const out: string[] = [];
  for (let i = 0; i < lines.length; i++) {
    const l = lines[i];
    if (/^#{1,3} /.test(l)) {
      const level = l.indexOf(' ');
      out.push(`<h${level}>${inline(l.slice(level + 1))}</h${level}>`);
    } else if (l.startsWith('|') && /^\|[-| ]+\|$/.test(lines[i + 1] ?? '')) {
      const head = tableCells(l);
      const rows: string[][] = [];
      for (i += 2; i < lines.length && lines[i].startsWith('|'); i++) rows.push(tableCells(lines[i]));
      i--;
      out.push(`<table><thead><tr>${head.map(h => `<th>${inline(h)}</th>`).join('')}</tr></thead><tbody>${rows.map(r => `<tr>${r.map(c => `<td>${inline(c)}</td>`).join('')}</tr>`).join('')}</tbody></table>`);
    } else if (l.trim()) {
      out.push(`<p>${inline(l)}</p>`);
    }
  }
  return out.join('\n');
}
