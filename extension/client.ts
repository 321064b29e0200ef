// Which Realmscope session the views show, when they re-read it, and whether they are frozen.
// The views read everything through the adapter's protocol (`customRequest`); a debug adapter
// tracker sees the adapter's `stopped`/`continued`/`terminated` events.

import * as vscode from 'vscode';
import type { RealmSummary } from './protocol';
import { big } from './format';

export type SessionState = 'none' | 'running' | 'stopped' | 'ended';

export const DEBUG_TYPE = 'realmscope';
export const NOT_A_REALM = /does not run as a Realm/;

export class RealmscopeClient implements vscode.Disposable {
  private current?: vscode.DebugSession;
  private readonly sessions = new Map<string, vscode.DebugSession>();
  private disposables: vscode.Disposable[] = [];
  private readonly changeEmitter = new vscode.EventEmitter<void>();
  private readonly stateEmitter = new vscode.EventEmitter<void>();
  private readonly stopEmitter = new vscode.EventEmitter<vscode.DebugSession>();
  private cache = new Map<string, Promise<unknown>>();
  state: SessionState = 'none';
  frozen = false;
  /** Stops seen in the current session; `shownStop` is the one the views show. */
  stops = 0;
  shownStop = 0;
  /** Bumped whenever the views must re-read (a stop, another session, unfreezing). */
  generation = 0;

  /** The views re-read. */
  readonly onDidChange = this.changeEmitter.event;
  /** State or freeze changed (view descriptions). */
  readonly onDidChangeState = this.stateEmitter.event;
  /** Every stop, frozen or not (memory documents follow it). */
  readonly onDidStop = this.stopEmitter.event;

  constructor() {
    this.disposables.push(
      vscode.debug.registerDebugAdapterTrackerFactory(DEBUG_TYPE, {
        createDebugAdapterTracker: session => {
          this.sessions.set(session.id, session);
          return {
            onWillStartSession: () => this.select(session, 'running'),
            onDidSendMessage: (m: { type?: string; event?: string }) => {
              if (m.type !== 'event') return;
              if (m.event === 'stopped') this.stopped(session);
              else if (m.event === 'continued') this.setState(session, 'running');
              else if (m.event === 'invalidated' && this.current?.id === session.id && this.state === 'stopped') this.invalidate();
              else if (m.event === 'terminated' || m.event === 'exited') this.setState(session, 'ended');
            },
            onWillStopSession: () => this.setState(session, 'ended'),
          };
        },
      }),
      vscode.debug.onDidTerminateDebugSession(s => {
        this.sessions.delete(s.id);
        if (this.current?.id === s.id) {
          this.setState(s, 'ended');
          if (!this.frozen) { this.current = undefined; this.state = 'none'; this.invalidate(); }
        }
      }),
      vscode.debug.onDidChangeActiveDebugSession(s => {
        if (s && s.type === DEBUG_TYPE && s.id !== this.current?.id && !this.frozen) this.select(s, this.state === 'none' ? 'running' : this.state);
      }),
      this.changeEmitter, this.stateEmitter, this.stopEmitter,
    );
  }

  get session(): vscode.DebugSession | undefined { return this.current; }

  sessionById(id: string): vscode.DebugSession | undefined {
    return this.sessions.get(id) ?? (vscode.debug.activeDebugSession?.id === id ? vscode.debug.activeDebugSession : undefined);
  }

  private select(s: vscode.DebugSession, state: SessionState): void {
    if (this.current?.id !== s.id) {
      if (this.frozen && this.current) return;
      this.current = s;
      this.stops = 0;
      this.shownStop = 0;
      this.state = state;
      this.invalidate();
    } else this.setState(s, state);
  }

  private setState(s: vscode.DebugSession, state: SessionState): void {
    if (this.current?.id !== s.id) return;
    if (this.state === state) return;
    this.state = state;
    this.stateEmitter.fire();
  }

  private stopped(s: vscode.DebugSession): void {
    if (this.current?.id !== s.id) {
      if (this.frozen && this.current) { this.stopEmitter.fire(s); return; }
      this.current = s;
      this.stops = 0;
    }
    this.stops++;
    this.state = 'stopped';
    this.stopEmitter.fire(s);
    if (!this.frozen) this.invalidate();
    else this.stateEmitter.fire();
  }

  /** Drops the per-stop cache and tells the views to re-read. */
  invalidate(): void {
    this.generation++;
    this.cache.clear();
    this.shownStop = this.stops;
    this.changeEmitter.fire();
    this.stateEmitter.fire();
  }

  setFrozen(frozen: boolean): void {
    if (this.frozen === frozen) return;
    this.frozen = frozen;
    void vscode.commands.executeCommand('setContext', 'realmscope.frozen', frozen);
    if (!frozen) {
      // Pick up the session that is active now, if ours ended while frozen.
      const active = vscode.debug.activeDebugSession;
      if ((!this.current || this.state === 'ended') && active?.type === DEBUG_TYPE) { this.current = active; this.state = 'stopped'; }
      else if (this.state === 'ended') { this.current = undefined; this.state = 'none'; }
      this.invalidate();
    } else this.stateEmitter.fire();
  }

  /** A custom (or standard) request to the shown session. */
  async request<T>(command: string, args?: unknown, session = this.current): Promise<T> {
    if (!session) throw new Error('no Realmscope debug session');
    return await session.customRequest(command, args) as T;
  }

  /** The same request once per generation (what a frozen view keeps showing). */
  cached<T>(command: string, args?: unknown): Promise<T> {
    const key = `${command} ${JSON.stringify(args ?? null)}`;
    let p = this.cache.get(key) as Promise<T> | undefined;
    if (!p) {
      p = this.request<T>(command, args);
      this.cache.set(key, p);
      p.catch(() => this.cache.get(key) === p && this.cache.delete(key));
    }
    return p;
  }

  /** The Realm summary of the shown stop, or undefined outside a Realm. */
  async realmSummary(live = false): Promise<RealmSummary | undefined> {
    try {
      return live ? await this.request<RealmSummary>('realmscope/realm', { query: 'summary' }) : await this.cached<RealmSummary>('realmscope/realm', { query: 'summary' });
    } catch (e) {
      if (NOT_A_REALM.test((e as Error).message)) return undefined;
      throw e;
    }
  }

  async unprotectedBit(): Promise<bigint | undefined> {
    try {
      const s = await this.realmSummary();
      return s ? big(s.unprotectedBit) : undefined;
    } catch {
      return undefined;
    }
  }

  /** "stop 3", "frozen at stop 3", "running", "session ended" (the views' descriptions). */
  describe(): string {
    const parts: string[] = [];
    if (this.frozen) parts.push(`frozen at stop ${this.shownStop}`);
    if (this.state === 'running') parts.push('running');
    else if (this.state === 'ended') parts.push('session ended');
    else if (this.state === 'stopped' && !this.frozen) parts.push(`stop ${this.shownStop}`);
    return parts.join(' · ');
  }

  dispose(): void {
    for (const d of this.disposables) d.dispose();
  }
}
