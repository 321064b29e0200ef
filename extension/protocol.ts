// The shapes of the adapter's custom-request answers, as the extension reads them (README.md,
// "Custom requests"). Only what the views use is typed; everything arrives as JSON, so numbers
// wider than 53 bits are hex strings.

export interface Stage1Attributes {
  // table descriptors
  PXNTable?: boolean; UXNTable?: boolean; APTable?: number; NSTable?: boolean;
  // block and page descriptors
  AttrIndx?: number; memoryType?: string; AP?: string; SH?: number; AF?: boolean; nG?: boolean;
  PXN?: boolean; UXN?: boolean; contiguous?: boolean; NS?: boolean;
}

export interface Stage1ExpandArgs { ttbr: 0 | 1; level: number; tableAddress: string; inputBase: string }

export interface Stage1Entry {
  index: number;
  level: number;
  type: 'table' | 'block' | 'page' | 'invalid';
  inputBase: string;
  inputSize: string;
  descriptor: string;
  descriptorAddress: string;
  outputAddress?: string;
  attributes?: Stage1Attributes;
  expand?: Stage1ExpandArgs;
}

export interface Stage1Root {
  ttbr: 0 | 1;
  ttbrValue: string;
  level: number;
  tableAddress: string;
  inputBase: string;
  entries: number;
  table?: Stage1Entry[];
  invalidCount?: number;
  disabled?: string;
}

/** `realmscope/pageTables {}` */
export interface PageTablesAnswer { mmuEnabled: boolean; roots: Stage1Root[] }
/** `realmscope/pageTables {ttbr, level, tableAddress, inputBase}` */
export interface PageTableAnswer { entries: Stage1Entry[]; invalidCount: number }

/** `realmscope/walk {address}` */
export interface WalkAnswer {
  address: string;
  steps: Stage1Entry[];
  fault?: { kind: string; level: number } | null;
  physicalAddress?: string;
  pageSize?: string;
  memoryType?: string;
}

/** `realmscope/realm {query: 'summary'}` */
export interface RealmSummary {
  state: string;
  ipaWidth: number;
  unprotectedBit: string;
  hashAlgorithm: string;
  fatal?: string;
  events: number;
}

export interface RttQuery { query: 'rtt'; ipa: string; level: number }

export interface RttEntry {
  index: number;
  ipa: string;
  size: string;
  state: 'unassigned' | 'assigned' | 'table' | 'unassigned_ns' | 'assigned_ns' | string;
  ripas?: 'EMPTY' | 'RAM' | 'DESTROYED' | string;
  outputAddress?: string;
  /** Runs of equal entries are merged: how many entries this one stands for. */
  count?: number;
  expand?: RttQuery;
}

/** `realmscope/realm {query: 'rtt', ipa?, level?}` */
export interface RttAnswer { level: number; base: string; entries: RttEntry[] }

export interface RipasRange { base: string; top: string; ripas: string; assigned: boolean }
/** `realmscope/realm {query: 'ripas'}` */
export interface RipasAnswer { ranges: RipasRange[] }

/** `realmscope/realm {query: 'measurements'}` */
export interface MeasurementsAnswer { rim: string; rems: string[]; hashAlgorithm: string }

export type SignatureStatus = 'valid' | 'invalid' | 'unverified' | string;

export interface TokenClaim {
  key: number | string;
  name: string;
  value?: unknown;
  display: string;
  children?: TokenClaim[];
}

export interface TokenPart {
  key: number;
  name: string;
  tag: number | null;
  alg: number | null;
  algName: string;
  signature?: string;
  claims: TokenClaim[];
  verification: { status: SignatureStatus; detail: string };
}

/** `realmscope/realm {query: 'token'}` */
export interface TokenAnswer {
  token?: null;
  size?: number;
  decoded?: {
    tag: number;
    platform: TokenPart;
    realm: TokenPart;
    binding: { status: SignatureStatus; detail: string };
    problems: string[];
  };
}

export interface RealmEventBase { kind: string; pc: string; insn: number }
export interface RsiEvent extends RealmEventBase {
  kind: 'rsi';
  fid: number;
  command: string;
  args: Record<string, string>;
  result: Record<string, string>;
  status: string;
}

/** `realmscope/realm {query: 'events', since?}` */
export interface EventsAnswer { events: (RealmEventBase & Record<string, unknown>)[]; next: number }
