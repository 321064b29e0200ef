// Top-level A64 decode: the op0 field (bits 28:25) selects an encoding group (Arm ARM C4.1).
// Each group's decoder and semantics live in a file of their own.

import type { Cpu } from '../Cpu';
import { execDataProcImm } from './dataProcImm';
import { execBranchSys } from './branchSys';
import { execLoadStore } from './loadStore';
import { execDataProcReg } from './dataProcReg';
import { execSimdFp } from './simdFp';

export function execute(cpu: Cpu, insn: number): void {
  switch ((insn >>> 25) & 0xf) {
    case 0x8: case 0x9: execDataProcImm(cpu, insn); return;
    case 0xa: case 0xb: execBranchSys(cpu, insn); return;
    case 0x4: case 0x6: case 0xc: case 0xe: execLoadStore(cpu, insn); return;
    case 0x5: case 0xd: execDataProcReg(cpu, insn); return;
    case 0x7: case 0xf: execSimdFp(cpu, insn); return;
    default: cpu.undefined(); // 0000 (UDF, reserved), 0001, 0010 (SVE), 0011: unallocated here
  }
}
