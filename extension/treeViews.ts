// The four tree views (Stage 1, Stage 2, RSI calls, Measurements) over the pure builders. Each
// view reads its roots once per generation (a stop, unless frozen) and expands lazily; children
// read once are kept until the next refresh, so a frozen view keeps what it showed.

import * as vscode from 'vscode';
import { RealmscopeClient, NOT_A_REALM } from './client';
import { ViewNode, errorNode, messageNode } from './viewNode';
import { stage1RootNodes, stage1TableNodes, PAGE_TABLES } from './stage1';
import { stage2Nodes, REALM } from './stage2';
import { RsiHistory, rsiCallNodes } from './rsiCalls';
import { measurementNodes } from './measurements';
import type { PageTablesAnswer, PageTableAnswer, RttAnswer, EventsAnswer, MeasurementsAnswer, TokenAnswer, Stage1ExpandArgs } from './protocol';

export const VIEW_IDS = {
  stage1: 'realmscope.stage1',
  stage2: 'realmscope.stage2',
  ipaMap: 'realmscope.ipaMap',
  rsiCalls: 'realmscope.rsiCalls',
  measurements: 'realmscope.measurements',
} as const;

interface TreeSource {
  roots(): Promise<ViewNode[]>;
  expand?(node: ViewNode): Promise<ViewNode[]>;
}

export function toTreeItem(n: ViewNode): vscode.TreeItem {
  const hasChildren = (n.children && n.children.length > 0) || !!n.load;
  const item = new vscode.TreeItem(n.label, hasChildren ? (n.expanded ? vscode.TreeItemCollapsibleState.Expanded : vscode.TreeItemCollapsibleState.Collapsed) : vscode.TreeItemCollapsibleState.None);
  item.id = n.id;
  item.description = n.description;
  if (n.tooltip) item.tooltip = new vscode.MarkdownString(n.tooltip);
  if (n.icon) item.iconPath = new vscode.ThemeIcon(n.icon.id, n.icon.color ? new vscode.ThemeColor(n.icon.color) : undefined);
  if (n.command) item.command = n.command;
  item.contextValue = n.memoryReference ? `${n.contextValue ?? 'item'} hasMemory` : n.contextValue;
  return item;
}

class RealmTreeProvider implements vscode.TreeDataProvider<ViewNode> {
  private readonly emitter = new vscode.EventEmitter<ViewNode | undefined>();
  readonly onDidChangeTreeData = this.emitter.event;
  private roots?: Promise<ViewNode[]>;
  private children = new Map<string, Promise<ViewNode[]>>();

  constructor(private readonly client: RealmscopeClient, private readonly source: TreeSource) {}

  refresh(): void {
    this.roots = undefined;
    this.children.clear();
    this.emitter.fire(undefined);
  }

  getTreeItem(n: ViewNode): vscode.TreeItem { return toTreeItem(n); }

  getChildren(n?: ViewNode): Promise<ViewNode[]> | ViewNode[] {
    if (!n) {
      if (!this.client.session) return [];
      return this.roots ??= this.source.roots().catch(e => [NOT_A_REALM.test(String((e as Error).message)) ? messageNode('not-realm', 'The program does not run as a Realm', 'info', 'launch with "realm": {}') : errorNode('roots', e)]);
    }
    if (n.children) return n.children;
    if (!n.load || !this.source.expand) return [];
    let p = this.children.get(n.id);
    if (!p) {
      p = this.source.expand(n).catch(e => [errorNode(n.id, e)]);
      this.children.set(n.id, p);
    }
    return p;
  }

  dispose(): void { this.emitter.dispose(); }
}

function stage1Source(client: RealmscopeClient): TreeSource {
  return {
    async roots() {
      const [answer, ub] = await Promise.all([client.cached<PageTablesAnswer>(PAGE_TABLES, {}), client.unprotectedBit()]);
      return stage1RootNodes(answer, ub);
    },
    async expand(n) {
      const args = n.load!.args as Stage1ExpandArgs;
      const [answer, ub] = await Promise.all([client.cached<PageTableAnswer>(PAGE_TABLES, args), client.unprotectedBit()]);
      return stage1TableNodes(answer, n.id, args.ttbr, ub);
    },
  };
}

function stage2Source(client: RealmscopeClient): TreeSource {
  return {
    async roots() {
      const summary = await client.realmSummary();
      if (!summary) return [messageNode('not-realm', 'The program does not run as a Realm', 'info', 'launch with "realm": {}')];
      const rtt = await client.cached<RttAnswer>(REALM, { query: 'rtt' });
      return stage2Nodes(rtt, BigInt(summary.unprotectedBit));
    },
    async expand(n) {
      const [rtt, ub] = await Promise.all([client.cached<RttAnswer>(REALM, n.load!.args), client.unprotectedBit()]);
      return stage2Nodes(rtt, ub);
    },
  };
}

function rsiSource(client: RealmscopeClient): TreeSource {
  const history = new RsiHistory();
  let sessionId: string | undefined;
  return {
    async roots() {
      if (client.session?.id !== sessionId) { history.reset(); sessionId = client.session?.id; }
      const since = history.next;
      const answer = await client.request<EventsAnswer>(REALM, { query: 'events', since });
      history.add(answer, since);
      if (answer.next < since) history.add(await client.request<EventsAnswer>(REALM, { query: 'events', since: 0 }), 0);
      const nodes = rsiCallNodes(history);
      return nodes.length ? nodes : [messageNode('no-rsi', 'No RSI call yet')];
    },
  };
}

function measurementsSource(client: RealmscopeClient): TreeSource {
  return {
    async roots() {
      const summary = await client.realmSummary();
      if (!summary) return [messageNode('not-realm', 'The program does not run as a Realm', 'info', 'launch with "realm": {}')];
      const [m, token] = await Promise.all([
        client.cached<MeasurementsAnswer>(REALM, { query: 'measurements' }),
        client.cached<TokenAnswer>(REALM, { query: 'token' }).catch(() => undefined),
      ]);
      return measurementNodes(summary, m, token);
    },
  };
}

/** Creates the tree views and keeps them in step with the client. */
export function registerTreeViews(client: RealmscopeClient): vscode.Disposable[] {
  const out: vscode.Disposable[] = [];
  const make = (id: string, source: TreeSource) => {
    const provider = new RealmTreeProvider(client, source);
    const view = vscode.window.createTreeView(id, { treeDataProvider: provider, showCollapseAll: true });
    const describe = () => { view.description = client.describe(); };
    describe();
    out.push(provider, view, client.onDidChange(() => provider.refresh()), client.onDidChangeState(describe));
  };
  make(VIEW_IDS.stage1, stage1Source(client));
  make(VIEW_IDS.stage2, stage2Source(client));
  make(VIEW_IDS.rsiCalls, rsiSource(client));
  make(VIEW_IDS.measurements, measurementsSource(client));
  return out;
}
