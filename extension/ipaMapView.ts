// The IPA map webview view: gathers the Realm's summary, RIPAS ranges, shared apertures (the RTT's
// assigned_ns entries) and the board's regions (the guest's device tree, read with readMemory),
// draws them (ipaMap.ts) and opens memory where the user clicks.

import * as vscode from 'vscode';
import { RealmscopeClient } from './client';
import { DocumentProviders } from './documents';
import { IpaMapInput, renderIpaMapHtml, renderMessageHtml } from './ipaMap';
import { fdtRegions, fdtTotalSize, DtRegion } from './fdt';
import { sharedApertures, walkRtt, REALM } from './stage2';
import { stage2Outcome } from './translation';
import { parseMemoryReference } from './memory';
import { big, hexShort } from './format';
import type { RipasAnswer, RttAnswer } from './protocol';

/** Where the Realm board puts the device tree: the start of RAM (README, "Running firmware as a Realm"). */
const DTB_IPA = 0x40000000n;

export class IpaMapViewProvider implements vscode.WebviewViewProvider, vscode.Disposable {
  private view?: vscode.WebviewView;
  private chosen: 'ipa' | 'physical' = 'ipa';
  private board = new Map<string, Promise<{ regions?: DtRegion[]; note?: string }>>();
  private disposables: vscode.Disposable[] = [];
  private renderSeq = 0;

  constructor(private readonly client: RealmscopeClient, private readonly docs: DocumentProviders) {
    this.disposables.push(client.onDidChange(() => this.render()), client.onDidChangeState(() => { if (this.view) this.view.description = client.describe(); }));
  }

  resolveWebviewView(view: vscode.WebviewView): void {
    this.view = view;
    view.webview.options = { enableScripts: true, localResourceRoots: [] };
    view.description = this.client.describe();
    this.disposables.push(
      view.webview.onDidReceiveMessage(m => this.onMessage(m)),
      view.onDidChangeVisibility(() => { if (view.visible) this.render(); }),
    );
    view.onDidDispose(() => { if (this.view === view) this.view = undefined; });
    this.render();
  }

  private async onMessage(m: { type?: string; ref?: string; ipa?: string; view?: string }): Promise<void> {
    if (m.type === 'view' && (m.view === 'ipa' || m.view === 'physical')) { this.chosen = m.view; return; }
    if (m.type !== 'open' || !m.ref) return;
    try {
      if (this.chosen === 'ipa') { await this.docs.openMemory(m.ref); return; }
      // The physical view: the output address the RTT maps the IPA to.
      const summary = await this.client.realmSummary(true);
      const parsed = parseMemoryReference(m.ref);
      if (!summary || !parsed) return;
      const ub = big(summary.unprotectedBit)!;
      const ipa = parsed.space === 'uipa' ? parsed.address + ub : parsed.address;
      const path = await walkRtt(ipa, args => this.client.request<RttAnswer>(REALM, args));
      const out = stage2Outcome(ipa, ub, path[path.length - 1]?.entry);
      if (out.pa === undefined) { void vscode.window.showInformationMessage(`Realmscope: IPA ${hexShort(ipa)} has no physical page: ${out.text}.`); return; }
      await this.docs.openMemory(`p:${hexShort(out.pa)}`);
    } catch (e) {
      void vscode.window.showErrorMessage(`Realmscope: ${(e as Error).message}`);
    }
  }

  /** The board's RAM and devices from the DTB at the start of RAM, once per session. */
  private boardRegions(): Promise<{ regions?: DtRegion[]; note?: string }> {
    const id = this.client.session?.id ?? '';
    let p = this.board.get(id);
    if (!p) {
      p = (async () => {
        const ref = `ipa:${hexShort(DTB_IPA)}`;
        const head = await this.client.request<{ data?: string }>('readMemory', { memoryReference: ref, count: 64 });
        const size = fdtTotalSize(new Uint8Array(Buffer.from(head.data ?? '', 'base64')));
        if (!size) return { note: `no device tree at IPA ${hexShort(DTB_IPA)}` };
        const all = await this.client.request<{ data?: string }>('readMemory', { memoryReference: ref, count: Math.min(size, 1 << 20) });
        return { regions: fdtRegions(new Uint8Array(Buffer.from(all.data ?? '', 'base64'))) };
      })().catch(e => ({ note: `device tree unreadable: ${(e as Error).message}` }));
      this.board.set(id, p);
    }
    return p;
  }

  async render(): Promise<void> {
    const view = this.view;
    if (!view || !view.visible) return;
    const seq = ++this.renderSeq;
    const csp = view.webview.cspSource;
    let html: string;
    try {
      if (!this.client.session) html = renderMessageHtml('Start a Realmscope debug session of a Realm to see its IPA space.', csp);
      else {
        const summary = await this.client.realmSummary();
        if (!summary) html = renderMessageHtml('The program does not run as a Realm (launch with "realm": {}).', csp);
        else {
          const ub = big(summary.unprotectedBit)!;
          const [ripas, shared, board] = await Promise.all([
            this.client.cached<RipasAnswer>(REALM, { query: 'ripas' }),
            sharedApertures(ub, args => this.client.cached<RttAnswer>(REALM, args)),
            this.boardRegions(),
          ]);
          const input: IpaMapInput = {
            ipaWidth: summary.ipaWidth,
            unprotectedBit: ub,
            ripas: ripas.ranges.map(r => ({ base: big(r.base)!, top: big(r.top)!, ripas: r.ripas, assigned: r.assigned })),
            shared,
            board: board.regions,
            boardNote: board.note,
            view: this.chosen,
            status: this.client.describe(),
          };
          html = renderIpaMapHtml(input, nonce(), csp);
        }
      }
    } catch (e) {
      html = renderMessageHtml(`Cannot draw the IPA map: ${(e as Error).message}`, csp);
    }
    if (seq === this.renderSeq && this.view === view) view.webview.html = html;
  }

  dispose(): void {
    for (const d of this.disposables) d.dispose();
  }
}

function nonce(): string {
  let s = '';
  const chars = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
  for (let i = 0; i < 32; i++) s += chars[Math.floor(Math.random() * chars.length)];
  return s;
}
