// A tree item as plain data: what the pure builders produce from the adapter's answers and the
// tree providers turn into vscode.TreeItems. Keeping it free of `vscode` lets mocha test the
// builders without VS Code.

export interface ViewNode {
  /** Stable across refreshes, so VS Code keeps the expansion state of the same entry. */
  id: string;
  label: string;
  description?: string;
  /** Markdown. */
  tooltip?: string;
  /** A codicon name and optionally a theme colour id (charts.green, ...). */
  icon?: { id: string; color?: string };
  /** Children known already. */
  children?: ViewNode[];
  /** Children fetched when the node is expanded: a custom request and its arguments. */
  load?: { command: string; args: unknown };
  /** Expanded at first display. */
  expanded?: boolean;
  /** What a click does. */
  command?: { command: string; title: string; arguments?: unknown[] };
  /** For menus (`viewItem == ...`). */
  contextValue?: string;
  /** A memory reference ("ipa:0x...", "p:0x..."): "Open Memory Here" on the item opens it. */
  memoryReference?: string;
}

/** A leaf that explains why there is nothing (or something went wrong). */
export function messageNode(id: string, text: string, icon = 'info', description?: string): ViewNode {
  return { id: `msg/${id}`, label: text, description, icon: { id: icon }, contextValue: 'message' };
}

export function errorNode(id: string, e: unknown): ViewNode {
  const msg = e instanceof Error ? e.message : String(e);
  return { id: `err/${id}`, label: msg, icon: { id: 'error', color: 'charts.red' }, tooltip: msg, contextValue: 'message' };
}
