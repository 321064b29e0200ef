// The emulator's public API: what the debug adapter, the extension and other clients may use.
export { VirtBoard, VIRT } from './board/VirtBoard';
export type { VirtBoardOptions, ExitStatus, ExitKind } from './board/VirtBoard';
export { Runner } from './Runner';
export type { RunResult } from './Runner';
export { Cpu, EC } from './cpu/Cpu';
export type { CpuHooks, StopReason, Watchpoint, WatchpointHit } from './cpu/Cpu';
export { walkStage1, readTable, rootTable, checkPermission } from './mmu/Stage1Walker';
export type { WalkResult, WalkStep, TranslationRegime, FaultKind } from './mmu/Stage1Walker';
export { PhysicalMemory } from './memory/PhysicalMemory';
export type { MmioDevice } from './memory/PhysicalMemory';
export { readImage, detectFormat } from './loaders/image';
export type { ImageFormat, LoadedImage } from './loaders/image';
export { parseElf, ImageError } from './loaders/elf';
export type { ElfImage, ElfSymbol } from './loaders/elf';
export { buildVirtDeviceTree } from './board/deviceTree';
