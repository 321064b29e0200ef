// The RSI calls view: the Realm's event history filtered to RSI calls, newest first. The history
// is read incrementally (`since` = the previous answer's `next`).

import type { EventsAnswer, RsiEvent } from './protocol';
import type { ViewNode } from './viewNode';
import { big, hexShort } from './format';

export const SHOW_RSI_CALL = 'realmscope.showRsiCall';

export interface RsiCall extends RsiEvent {
  /** Position in the Realm's whole event history (stable across refreshes). */
  seq: number;
}

/** Accumulates RSI calls from successive `events` answers. */
export class RsiHistory {
  calls: RsiCall[] = [];
  next = 0;

  /** Adds one answer to `events {since: this.next}`; an answer whose `next` went backwards
   *  means the guest was restarted: start again from the answer. */
  add(answer: EventsAnswer, since: number): void {
    if (answer.next < since) { this.reset(); return; }
    answer.events.forEach((e, i) => {
      if (e.kind === 'rsi') this.calls.push({ ...(e as unknown as RsiEvent), seq: since + i });
    });
    this.next = answer.next;
  }

  reset(): void { this.calls = []; this.next = 0; }
}

function kv(o: Record<string, string> | undefined): string {
  return Object.entries(o ?? {}).map(([k, v]) => `${k}=${v}`).join(' ');
}

export function rsiCallNode(c: RsiCall): ViewNode {
  const ok = c.status === 'SUCCESS';
  const pc = big(c.pc);
  const where = pc !== undefined ? hexShort(pc) : c.pc;
  const insn = Number.isInteger(c.insn) && c.insn >= 0 ? ` · insn ${c.insn}` : '';
  const args = kv(c.args);
  return {
    id: `rsi/${c.seq}`,
    label: `${c.command} -> ${c.status}`,
    description: `${args ? args + ' ' : ''}@ ${where}${insn}`,
    tooltip: [
      `**${c.command}** (function ID 0x${(c.fid >>> 0).toString(16)}) → **${c.status}**`,
      '',
      `- PC: \`${c.pc}\`${insn ? ` (instruction ${c.insn})` : ''}`,
      ...Object.entries(c.args ?? {}).map(([k, v]) => `- ${k}: \`${v}\``),
      ...Object.entries(c.result ?? {}).map(([k, v]) => `- result ${k}: \`${v}\``),
      '',
      'Click to show the SMC in the disassembly.',
    ].join('\n'),
    icon: ok ? { id: 'pass', color: 'charts.green' } : { id: 'warning', color: 'charts.yellow' },
    contextValue: 'rsiCall',
    command: { command: SHOW_RSI_CALL, title: 'Show in Disassembly', arguments: [{ pc: c.pc, command: c.command }] },
    children: [
      ...Object.entries(c.args ?? {}).map(([k, v]) => ({ id: `rsi/${c.seq}/arg/${k}`, label: k, description: v, icon: { id: 'arrow-right' } })),
      ...Object.entries(c.result ?? {}).map(([k, v]) => ({ id: `rsi/${c.seq}/res/${k}`, label: `result ${k}`, description: v, icon: { id: 'arrow-left' } })),
      { id: `rsi/${c.seq}/pc`, label: 'PC', description: `${c.pc}${insn}`, icon: { id: 'debug-stackframe' } },
    ],
  };
}

/** Newest first. */
export function rsiCallNodes(history: RsiHistory): ViewNode[] {
  return history.calls.slice().reverse().map(rsiCallNode);
}
