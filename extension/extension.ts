// The Realmscope VS Code extension: thin glue over the debug adapter's protocol. It serves the
// adapter (inline by default), offers configurations, shows the UART in a terminal, and draws the
// Realm views in Run and Debug from the adapter's custom requests, refreshed at every stop.

import * as vscode from 'vscode';
import { RealmscopeClient } from './client';
import { registerDebugger } from './debugConfig';
import { registerTreeViews, VIEW_IDS } from './treeViews';
import { IpaMapViewProvider } from './ipaMapView';
import { DocumentProviders } from './documents';
import { registerCommands } from './commands';

export function activate(context: vscode.ExtensionContext): void {
  const log = vscode.window.createOutputChannel('Realmscope', { log: true });
  const client = new RealmscopeClient();
  const docs = new DocumentProviders(client);
  const ipaMap = new IpaMapViewProvider(client, docs);
  void vscode.commands.executeCommand('setContext', 'realmscope.frozen', false);
  context.subscriptions.push(
    log,
    client,
    docs,
    ipaMap,
    ...registerDebugger(context, log),
    ...registerTreeViews(client),
    vscode.window.registerWebviewViewProvider(VIEW_IDS.ipaMap, ipaMap, { webviewOptions: { retainContextWhenHidden: false } }),
    ...registerCommands(client, docs),
  );
}

export function deactivate(): void { /* everything is in context.subscriptions */ }
