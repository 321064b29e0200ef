import type { Cpu } from '../Cpu';

export function execLoadStore(cpu: Cpu, insn: number): void {
  void insn;
  cpu.undefined();
}
