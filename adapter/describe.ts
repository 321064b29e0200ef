// Words for what the architecture reports: exception classes, fault status codes, and a one-line
// description of an exception for stop reasons and the Variables view.

export const EXCEPTION_CLASSES: Record<number, string> = {
  0x00: 'Unknown reason (UNDEFINED instruction)', 0x01: 'WFI/WFE trapped', 0x07: 'SIMD/FP access trapped (CPACR_EL1.FPEN)',
  0x0e: 'Illegal execution state', 0x15: 'SVC', 0x16: 'HVC', 0x17: 'SMC', 0x18: 'MSR/MRS/system instruction trapped',
  0x20: 'Instruction abort from a lower EL', 0x21: 'Instruction abort', 0x22: 'PC alignment fault',
  0x24: 'Data abort from a lower EL', 0x25: 'Data abort', 0x26: 'SP alignment fault', 0x2c: 'Trapped FP exception',
  0x2f: 'SError interrupt', 0x30: 'Breakpoint from a lower EL', 0x31: 'Breakpoint', 0x32: 'Software step from a lower EL',
  0x33: 'Software step', 0x34: 'Watchpoint from a lower EL', 0x35: 'Watchpoint', 0x3c: 'BRK instruction',
};

/** The fault status code of an abort (DFSC/IFSC) in words. */
export function faultStatus(fsc: number): string {
  const level = fsc & 3;
  switch (fsc & 0x3c) {
    case 0x00: return `address size fault, level ${level}`;
    case 0x04: return `translation fault, level ${level}`;
    case 0x08: return `access flag fault, level ${level}`;
    case 0x0c: return `permission fault, level ${level}`;
    case 0x14: return `synchronous external abort on translation table walk, level ${level}`;
    default: break;
  }
  switch (fsc) {
    case 0x10: return 'synchronous external abort';
    case 0x11: return 'synchronous tag check fault';
    case 0x21: return 'alignment fault';
    case 0x30: return 'TLB conflict abort';
    default: return `fault status 0x${fsc.toString(16)}`;
  }
}

export function hex(v: bigint | number, width = 16): string {
  return '0x' + BigInt.asUintN(64, BigInt(v)).toString(16).padStart(width, '0');
}

/** "Data abort at 0x...: translation fault, level 2" and the like. */
export function describeException(ec: number, esr: bigint, far: bigint, elr: bigint): string {
  const iss = Number(esr & 0x1ffffffn);
  const name = EXCEPTION_CLASSES[ec] ?? `Exception class 0x${ec.toString(16)}`;
  switch (ec) {
    case 0x20: case 0x21:
      return `${name} at ${hex(far)}: ${faultStatus(iss & 0x3f)}`;
    case 0x24: case 0x25: {
      const wnr = (iss >> 6) & 1;
      return `${name} at ${hex(far)} (${wnr ? 'write' : 'read'}${(iss >> 8) & 1 ? ', cache maintenance' : ''}): ${faultStatus(iss & 0x3f)}; instruction at ${hex(elr)}`;
    }
    case 0x15: case 0x16: case 0x17: return `${name} #0x${(iss & 0xffff).toString(16)} from ${hex(elr - 4n)}`;
    case 0x3c: return `BRK #0x${(iss & 0xffff).toString(16)} at ${hex(elr)}`;
    case 0x22: case 0x26: return `${name} at ${hex(elr)}`;
    default: return `${name} at ${hex(elr)} (ESR ${hex(esr, 8)})`;
  }
}
