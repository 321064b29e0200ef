// Read-only documents the extension opens: memory as a hex dump (when no hex editor is
// installed), disassembly around an address, and the translation reports. All of them are read
// through the adapter's protocol (`readMemory`, `disassemble`) and re-read at every stop.

import * as vscode from 'vscode';
import { RealmscopeClient } from './client';
import { debugMemoryUriParts, hexDump, parseMemoryReference } from './memory';
import { big, hex64, hexShort, escapeHtml } from './format';
import { reportHtml } from './translation';

export const MEMORY_SCHEME = 'realmscope-memory';
export const DISASM_SCHEME = 'realmscope-disasm';
export const REPORT_SCHEME = 'realmscope-report';
export const HEX_EDITOR_EXTENSION = 'ms-vscode.hexeditor';
export const HEX_EDITOR_VIEW = 'hexEditor.hexedit';
export const REPORT_PANEL = 'realmscope.report';

const DUMP_BYTES = 1024;

interface ReadMemoryBody { address: string; data?: string; unreadableBytes?: number }
interface DisassembleBody { instructions: { address: string; instructionBytes?: string; instruction: string; symbol?: string; location?: { name?: string; path?: string }; line?: number }[] }

export class DocumentProviders implements vscode.Disposable {
  private readonly emitter = new vscode.EventEmitter<vscode.Uri>();
  private readonly reports = new Map<string, string>();
  private disposables: vscode.Disposable[] = [];
  private hintShown = false;
  private reportCount = 0;
  private panel?: vscode.WebviewPanel;

  constructor(private readonly client: RealmscopeClient) {
    const provider: vscode.TextDocumentContentProvider = {
      onDidChange: this.emitter.event,
      provideTextDocumentContent: uri => this.content(uri),
    };
    this.disposables.push(
      vscode.workspace.registerTextDocumentContentProvider(MEMORY_SCHEME, provider),
      vscode.workspace.registerTextDocumentContentProvider(DISASM_SCHEME, provider),
      vscode.workspace.registerTextDocumentContentProvider(REPORT_SCHEME, provider),
      // Memory and disassembly documents follow the guest at every stop.
      client.onDidStop(() => {
        for (const d of vscode.workspace.textDocuments) {
          if (d.uri.scheme === MEMORY_SCHEME || d.uri.scheme === DISASM_SCHEME) this.emitter.fire(d.uri);
        }
      }),
      this.emitter,
    );
  }

  private async content(uri: vscode.Uri): Promise<string> {
    if (uri.scheme === REPORT_SCHEME) return this.reports.get(uri.toString()) ?? '(this report is no longer available)';
    const q = new URLSearchParams(uri.query);
    const session = this.client.sessionById(q.get('session') ?? '');
    const ref = q.get('ref') ?? '';
    if (!session) return `${ref}: the debug session has ended.`;
    try {
      if (uri.scheme === MEMORY_SCHEME) {
        const count = Number(q.get('count') ?? DUMP_BYTES);
        const body = await this.client.request<ReadMemoryBody>('readMemory', { memoryReference: ref, count }, session);
        const data = body.data ? new Uint8Array(Buffer.from(body.data, 'base64')) : new Uint8Array(0);
        const address = big(body.address) ?? parseMemoryReference(ref)?.address ?? 0n;
        const space = parseMemoryReference(ref)?.space ?? 'virtual';
        return `${ref} — ${space} memory, ${count} bytes from ${hex64(address)} (?? = not readable: unmapped, device, or not backed)\n\n${hexDump(address, data, body.unreadableBytes ?? Math.max(0, count - data.length))}\n`;
      }
      const pc = big(q.get('pc') ?? ref) ?? 0n;
      const title = q.get('title') ?? '';
      const body = await this.client.request<DisassembleBody>('disassemble', { memoryReference: hex64(pc), instructionOffset: -16, instructionCount: 40, resolveSymbols: true }, session);
      const lines = [`${title ? title + ' — ' : ''}disassembly around ${hex64(pc)}`, ''];
      for (const ins of body.instructions) {
        const here = big(ins.address) === pc;
        if (ins.symbol) lines.push(`${ins.symbol}:`);
        const loc = ins.location && ins.line ? `    ; ${ins.location.name ?? ins.location.path}:${ins.line}` : '';
        lines.push(`${here ? '=>' : '  '} ${ins.address}  ${(ins.instructionBytes ?? '').padEnd(8)}  ${ins.instruction.replace(/\t/, ' ').padEnd(32)}${loc}`);
      }
      return lines.join('\n') + '\n';
    } catch (e) {
      return `${ref}: ${(e as Error).message}\n`;
    }
  }

  /** Opens memory at a reference: in the Hex Editor through VS Code's debug memory file system
   *  when that extension is installed, otherwise as a hex dump document. */
  async openMemory(ref: string): Promise<void> {
    const session = this.client.session;
    if (!session) { void vscode.window.showWarningMessage('Realmscope: no debug session to read memory from.'); return; }
    if (vscode.extensions.getExtension(HEX_EDITOR_EXTENSION)) {
      try {
        await vscode.commands.executeCommand('vscode.openWith', vscode.Uri.from(debugMemoryUriParts(session.id, ref)), HEX_EDITOR_VIEW);
        return;
      } catch (e) {
        void vscode.window.showWarningMessage(`Realmscope: the Hex Editor could not open ${ref} (${(e as Error).message}); showing a hex dump instead.`);
      }
    } else if (!this.hintShown) {
      this.hintShown = true;
      void vscode.window.showInformationMessage('Realmscope: memory opens as a read-only hex dump. Install the Hex Editor extension (ms-vscode.hexeditor) to browse and edit it.');
    }
    const uri = vscode.Uri.from({ scheme: MEMORY_SCHEME, path: `/${fileName(ref)}.hexdump`, query: new URLSearchParams({ session: session.id, ref, count: String(DUMP_BYTES) }).toString() });
    const doc = await vscode.workspace.openTextDocument(uri);
    await vscode.window.showTextDocument(doc, { preview: false });
  }

  /** Disassembly around `pc`, the line at `pc` selected. */
  async openDisassembly(pc: bigint, title: string): Promise<void> {
    const session = this.client.session;
    if (!session) return;
    const uri = vscode.Uri.from({ scheme: DISASM_SCHEME, path: `/${fileName(`${title} at ${hexShort(pc)}`)}.disasm`, query: new URLSearchParams({ session: session.id, ref: hex64(pc), pc: hex64(pc), title }).toString() });
    const doc = await vscode.workspace.openTextDocument(uri);
    const editor = await vscode.window.showTextDocument(doc, { preview: true });
    const line = doc.getText().split('\n').findIndex(l => l.startsWith('=>'));
    if (line >= 0) {
      const range = new vscode.Range(line, 0, line, doc.lineAt(line).text.length);
      editor.selection = new vscode.Selection(range.start, range.end);
      editor.revealRange(range, vscode.TextEditorRevealType.InCenter);
    }
  }

  /** A report (translations) in a webview panel beside the code; one panel, reused. The
   *  Markdown is kept too: "Open as Markdown" in the panel shows it as a document. */
  async openReport(title: string, markdown: string): Promise<void> {
    const safe = title.replace(/[^0-9a-zA-Z_.:-]+/g, '_').slice(0, 60);
    const uri = vscode.Uri.from({ scheme: REPORT_SCHEME, path: `/${safe}.md`, query: `n=${++this.reportCount}` });
    this.reports.set(uri.toString(), markdown);
    if (this.reports.size > 20) this.reports.delete(this.reports.keys().next().value!);
    if (!this.panel) {
      this.panel = vscode.window.createWebviewPanel(REPORT_PANEL, title, { viewColumn: vscode.ViewColumn.Active, preserveFocus: false }, { enableScripts: true, enableFindWidget: true, localResourceRoots: [] });
      this.panel.onDidDispose(() => { this.panel = undefined; });
      this.panel.webview.onDidReceiveMessage(async (m: { type?: string; uri?: string }) => {
        if (m.type === 'markdown' && m.uri) await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(vscode.Uri.parse(m.uri)), { preview: false });
      });
    }
    this.panel.title = title;
    this.panel.webview.html = reportPage(title, markdown, uri.toString(), this.panel.webview.cspSource);
    this.panel.reveal(undefined, false);
  }

  dispose(): void {
    for (const d of this.disposables) d.dispose();
  }
}

/** A tab title for a document: "ipa 0x40000000" for ipa:0x40000000 (no characters a path mangles). */
function fileName(text: string): string {
  return text.replace(/:/g, ' ').replace(/[^0-9a-zA-Z_. @+-]+/g, '_');
}

function reportPage(title: string, markdown: string, uri: string, cspSource: string): string {
  const nonce = Array.from({ length: 24 }, () => 'abcdefghijklmnopqrstuvwxyz0123456789'[Math.floor(Math.random() * 36)]).join('');
  return `<!DOCTYPE html><html lang="en"><head><meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src ${cspSource} 'unsafe-inline'; script-src 'nonce-${nonce}';">
<title>${escapeHtml(title)}</title>
<style>
body { color: var(--vscode-foreground); font-family: var(--vscode-font-family); font-size: var(--vscode-font-size); padding: 0 16px 16px; }
h1 { font-size: 1.4em; } h2 { font-size: 1.15em; margin-top: 1.4em; }
code { font-family: var(--vscode-editor-font-family); font-size: 0.95em; }
table { border-collapse: collapse; margin: 6px 0; }
th, td { border: 1px solid var(--vscode-panel-border, #8884); padding: 3px 8px; text-align: left; vertical-align: top; }
th { background: var(--vscode-editorWidget-background, transparent); }
td { font-family: var(--vscode-editor-font-family); font-size: 0.95em; }
a { color: var(--vscode-textLink-foreground); cursor: pointer; }
</style></head><body>
${reportHtml(markdown)}
<p><a id="md">Open as Markdown</a></p>
<script nonce="${nonce}">
const vscode = acquireVsCodeApi();
document.getElementById('md').addEventListener('click', () => vscode.postMessage({ type: 'markdown', uri: ${JSON.stringify(uri)} }));
</script>
</body></html>`;
}
