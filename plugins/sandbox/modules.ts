/**
 * The QuickJS wasm instances of a worker thread. Each run gets an instance of its own whose
 * linear memory has a hard maximum (the build's 16 MiB base plus the run's memoryBytes); an
 * instance is reused (a few idle per worker) only after a clean run.
 */
import { newQuickJSWASMModuleFromVariant, newVariant, RELEASE_SYNC, type QuickJSWASMModule } from 'quickjs-emscripten'

// The emscripten build declares a 16 MiB memory (about 11 MiB of it free heap); it refuses a smaller one.
const BASE_PAGES = 256
const PAGE_BYTES = 65536
// A worker runs a few runs at a time; idle instances beyond these are dropped.
const MAX_IDLE_MODULES = 2
// An instance whose heap grew past this keeps that memory committed; it is dropped rather than pooled.
const MAX_POOLED_BYTES = 64 * 1024 * 1024

// lib is ES2023 without DOM, so the WebAssembly global has no types here; this is all we use of it.
interface WasmApi {
  Memory: new (descriptor: { initial: number, maximum: number }) => object
  RuntimeError: new () => Error
}
const wasm = (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly

/** Instances whose heap ran full under the host: they are not reused. */
const exhausted = new WeakMap<QuickJSWASMModule, boolean>()

class HeapExhausted extends Error {
  constructor () {
    super('the wasm heap is full')
  }
}

/** The host side of the wasm ran out of memory (a trap, or a host string that did not fit the heap). */
export function isWasmOutOfMemory (err: unknown): err is Error {
  return err instanceof HeapExhausted || err instanceof wasm.RuntimeError
}

/**
 * quickjs-emscripten copies host strings into the wasm heap with an unchecked malloc: on a
 * full heap it writes through a null pointer and corrupts the instance. This makes it throw.
 * (`module` is a protected field of QuickJSWASMModule; without it the traps still end the run.)
 */
function guardMalloc (module: QuickJSWASMModule): QuickJSWASMModule {
  const em = (module as unknown as { module?: { _malloc?: (size: number) => number } }).module
  const malloc = em?._malloc
  if (em === undefined || typeof malloc !== 'function') return module
  em._malloc = (size: number) => {
    const ptr = malloc(size)
    if (ptr === 0) {
      exhausted.set(module, true)
      throw new HeapExhausted()
    }
    return ptr
  }
  return module
}

/** The wasm memory maximum for a run: the build's 16 MiB base plus the plugin's allowance. */
export function pagesFor (memoryBytes: number): number {
  return BASE_PAGES + Math.ceil(memoryBytes / PAGE_BYTES)
}

/** A worker's instances of the compiled wasm module, kept idle by memory maximum for reuse. */
export class ModulePool {
  private readonly idle: { pages: number, module: QuickJSWASMModule }[] = []

  constructor (private readonly wasmModule: object) {}

  async instantiate (pages: number): Promise<QuickJSWASMModule> {
    const wasmMemory = new wasm.Memory({ initial: BASE_PAGES, maximum: pages })
    return guardMalloc(await newQuickJSWASMModuleFromVariant(newVariant(RELEASE_SYNC, { wasmModule: this.wasmModule, wasmMemory })))
  }

  async acquire (pages: number): Promise<QuickJSWASMModule> {
    const i = this.idle.findIndex(m => m.pages === pages)
    if (i >= 0) return this.idle.splice(i, 1)[0]!.module
    return this.instantiate(pages)
  }

  /** Keeps an instance for reuse, unless its heap ran full or grew large. */
  release (pages: number, module: QuickJSWASMModule): void {
    if (exhausted.get(module) === true) return
    if (module.getWasmMemory().buffer.byteLength > MAX_POOLED_BYTES) return
    this.idle.push({ pages, module })
    if (this.idle.length > MAX_IDLE_MODULES) this.idle.shift()
  }
}
