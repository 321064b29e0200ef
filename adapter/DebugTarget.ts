// The one interface between the DAP session and what it debugs (after DeZog's remote
// abstraction): the session speaks the protocol, a target runs, stops and inspects a machine.
// EmulatorTarget implements it over the embedded emulator; another back end (a remote emulator,
// a hardware probe) could implement it too.

import type { WalkResult, WalkStep } from '../emulator';

export type StopKind = 'entry' | 'step' | 'breakpoint' | 'function breakpoint' | 'instruction breakpoint' | 'data breakpoint' | 'exception' | 'pause';

export interface StopInfo {
  kind: StopKind;
  /** A sentence for the user ("Data abort at 0x...: translation fault, level 2"). */
  description: string;
  /** DAP breakpoint ids that caused the stop. */
  hitBreakpointIds?: number[];
}

export type ResumeResult = { stopped: StopInfo } | { exited: { code: number; reason: string } };

export type StepKind = 'continue' | 'instruction' | 'instructionOver' | 'line' | 'lineOver' | 'out';

export interface BreakpointRequest {
  id: number;
  address: bigint;
  condition?: string;
  hitCondition?: string;
  logMessage?: string;
  kind: 'source' | 'function' | 'instruction';
}

export interface DataBreakpointRequest {
  id: number;
  address: bigint;
  length: number;
  space: 'virtual' | 'physical';
  access: 'read' | 'write' | 'readWrite';
}

export interface ExceptionFilterRequest { filter: string; condition?: string; }

export type AddressSpace = 'virtual' | 'physical';

export interface DebugTarget {
  resume(kind: StepKind): Promise<ResumeResult>;
  pause(): void;
  restart(): Promise<void>;
  terminate(): void;

  setBreakpoints(list: BreakpointRequest[]): void;
  setDataBreakpoints(list: DataBreakpointRequest[]): void;
  setExceptionFilters(list: ExceptionFilterRequest[]): void;

  readMemory(address: bigint, length: number, space: AddressSpace): { data: Uint8Array; readable: number };
  writeMemory(address: bigint, data: Uint8Array, space: AddressSpace): number;

  /** Stage-1 walk of one address in the current regime, with every descriptor read. */
  walk(va: bigint): WalkResult;
  /** One translation table's entries (lazy page-table views). */
  readTable(select: 0 | 1, level: number, tableBase: number, inputBase: bigint): WalkStep[];
}
