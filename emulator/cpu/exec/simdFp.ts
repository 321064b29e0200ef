import type { Cpu } from '../Cpu';

export function execSimdFp(cpu: Cpu, insn: number): void {
  void insn;
  cpu.undefined();
}
