// The commands: Translate Address…, Open Memory at…, Show Page-Table Walk (Variables view
// context menu), Freeze/Unfreeze Realm Views, and the items' own actions.

import * as vscode from 'vscode';
import { RealmscopeClient } from './client';
import { DocumentProviders } from './documents';
import { translationMarkdown, TranslationInput, expressionForVariable, VariableContext } from './translation';
import { walkRtt, REALM } from './stage2';
import { MEMORY_SPACES, MemorySpace, memoryReference } from './memory';
import { SHOW_RSI_CALL } from './rsiCalls';
import { big } from './format';
import type { RttAnswer, WalkAnswer } from './protocol';
import type { ViewNode } from './viewNode';

export const COMMANDS = {
  translateAddress: 'realmscope.translateAddress',
  openMemoryAt: 'realmscope.openMemoryAt',
  showPageTableWalk: 'realmscope.showPageTableWalk',
  freezeViews: 'realmscope.freezeViews',
  openMemoryForItem: 'realmscope.openMemoryForItem',
  showRsiCall: SHOW_RSI_CALL,
} as const;

export function registerCommands(client: RealmscopeClient, docs: DocumentProviders): vscode.Disposable[] {
  let lastExpression = 'pc';
  let lastSpace: MemorySpace = 'virtual';

  const requireSession = (): boolean => {
    if (client.session) return true;
    void vscode.window.showWarningMessage('Realmscope: start a Realmscope debug session first.');
    return false;
  };

  /** VA -> IPA -> PA with every descriptor read at both stages. */
  const translate = async (expression: string): Promise<void> => {
    const walk = await client.request<WalkAnswer>('realmscope/walk', { address: expression });
    const input: TranslationInput = { expression, walk };
    const summary = await client.realmSummary(true).catch(() => undefined);
    const ipa = big(walk.physicalAddress);
    if (summary && ipa !== undefined && !walk.fault) {
      const path = await walkRtt(ipa, args => client.request<RttAnswer>(REALM, args));
      input.realm = { summary, path };
    }
    await docs.openReport(`Translate ${expression}`, translationMarkdown(input));
  };

  const run = (f: (...a: never[]) => Promise<void>) => async (...a: never[]) => {
    try { await f(...a); } catch (e) { void vscode.window.showErrorMessage(`Realmscope: ${(e as Error).message}`); }
  };

  return [
    vscode.commands.registerCommand(COMMANDS.translateAddress, run(async (arg?: string) => {
      if (!requireSession()) return;
      const expression = typeof arg === 'string' ? arg : await vscode.window.showInputBox({
        title: 'Realmscope: Translate Address',
        prompt: 'A virtual address or an expression (pc, sp, x1 + 0x10, *(uint64_t*)sp, a symbol)',
        value: lastExpression,
      });
      if (!expression) return;
      lastExpression = expression;
      await translate(expression);
    })),

    vscode.commands.registerCommand(COMMANDS.showPageTableWalk, run(async (ctx?: VariableContext) => {
      if (!requireSession()) return;
      const expression = expressionForVariable(ctx) ?? await vscode.window.showInputBox({ title: 'Realmscope: Show Page-Table Walk', prompt: 'A virtual address or an expression', value: lastExpression });
      if (!expression) return;
      await translate(expression);
    })),

    vscode.commands.registerCommand(COMMANDS.openMemoryAt, run(async (arg?: string) => {
      if (!requireSession()) return;
      if (typeof arg === 'string') { await docs.openMemory(arg); return; }
      const pick = await vscode.window.showQuickPick(MEMORY_SPACES.map(s => ({ label: s.label, description: s.prefix ? s.prefix + '0x…' : '0x…', detail: s.detail, space: s.space, picked: s.space === lastSpace })), { title: 'Realmscope: Open Memory at… (address space)' });
      if (!pick) return;
      const text = await vscode.window.showInputBox({ title: `Realmscope: Open ${pick.label} Memory at…`, prompt: pick.space === 'virtual' ? 'An address or an expression (sp, x1, a symbol)' : 'An address or an expression', value: lastExpression });
      if (!text) return;
      lastSpace = pick.space;
      lastExpression = text;
      let address = big(text);
      if (address === undefined) {
        const r = await client.request<{ result: string; memoryReference?: string }>('evaluate', { expression: text, context: 'watch' });
        address = big(r.memoryReference ?? r.result.split(/\s+/)[0]);
        if (address === undefined) throw new Error(`"${text}" is not an address (${r.result})`);
      }
      await docs.openMemory(memoryReference(pick.space, address));
    })),

    vscode.commands.registerCommand(COMMANDS.freezeViews, () => {
      client.setFrozen(!client.frozen);
      void vscode.window.setStatusBarMessage(client.frozen ? 'Realmscope: Realm views frozen' : 'Realmscope: Realm views follow the guest again', 3000);
    }),

    vscode.commands.registerCommand(COMMANDS.openMemoryForItem, run(async (node?: ViewNode) => {
      if (node?.memoryReference) await docs.openMemory(node.memoryReference);
    })),

    vscode.commands.registerCommand(COMMANDS.showRsiCall, run(async (arg?: { pc: string; command: string }) => {
      const pc = big(arg?.pc);
      if (!requireSession() || pc === undefined) return;
      // Stopped at this very call: VS Code's Disassembly view shows it (it opens at the focused frame).
      try {
        const st = await client.request<{ stackFrames: { instructionPointerReference?: string }[] }>('stackTrace', { threadId: 1, startFrame: 0, levels: 1 });
        if (client.state === 'stopped' && big(st.stackFrames[0]?.instructionPointerReference) === pc) {
          await vscode.commands.executeCommand('debug.action.openDisassemblyView');
          return;
        }
      } catch { /* fall through to the document */ }
      await docs.openDisassembly(pc, arg?.command ?? 'RSI call');
    })),

    // The views live in Run and Debug, which has no container id of its own for them: this
    // command reveals it and the Stage 1 view.
    vscode.commands.registerCommand('realmscope.showRealmViews', async () => {
      await vscode.commands.executeCommand('workbench.view.debug');
      await vscode.commands.executeCommand('realmscope.stage1.focus');
    }),
  ];
}
