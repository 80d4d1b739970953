import type { Collection, Document, OptionalUnlessRequiredId } from 'mongodb'

interface Pending<T> { doc: T, caller: object, resolve: () => void, reject: (err: unknown) => void }

/** Some of a caller's documents were not stored: the first `written` were, the rest not (`cause` says why). */
export class InsertFailed extends Error {
  constructor (readonly written: number, override readonly cause: unknown) {
    super(`insert failed after ${written} document(s): ${(cause as Error)?.message ?? String(cause)}`, { cause })
  }
}

/** Not written because an earlier document of the same caller failed. */
const SKIPPED = new Error('not written: an earlier document of the same call failed')

/** About the most documents one insertMany carries (a caller's documents are never split). */
const MAX_BATCH = 500

/**
 * Inserts into one collection through a group commit: while one insertMany is on its way,
 * the documents of every other caller gather, and go together as the next one. Alone, a
 * document leaves at once (no added latency); under load, twenty runs cost one round trip.
 *
 * The batch is ordered, so a caller's documents (given in one call) are written as a prefix:
 * the document that failed and every one after it in the batch are not written. Each
 * caller's promise says what became of its own documents: a document refused (a duplicate
 * key, say) rejects with that error; one after it that was never tried goes in the next batch.
 */
export class GroupCommit<T extends Document> {
  private queue: Pending<T>[] = []
  private flushing: Promise<void> | undefined

  constructor (private readonly collection: Collection<T>) {}

  /** Resolves once every document is stored; otherwise throws InsertFailed, saying how many of them (a prefix) were. */
  async insert (docs: T[]): Promise<void> {
    const caller = {}
    const results = docs.map(doc => new Promise<void>((resolve, reject) => { this.queue.push({ doc, caller, resolve, reject }) }).then(() => undefined, (err: unknown) => err))
    this.flushing ??= this.drain()
    const errors = await Promise.all(results)
    const failed = errors.findIndex(e => e !== undefined)
    if (failed !== -1) throw new InsertFailed(failed, errors[failed])
  }

  /** Sends what gathered, batch after batch, until nothing is left. */
  private async drain (): Promise<void> {
    // Let every caller of this tick join the first batch.
    await Promise.resolve()
    try {
      while (this.queue.length > 0) {
        const batch = this.queue.splice(0, MAX_BATCH)
        // A caller's documents are never split between two batches (they must stay a prefix).
        const last = batch.at(-1)?.caller
        while (this.queue[0] !== undefined && this.queue[0].caller === last) batch.push(this.queue.shift() as Pending<T>)
        await this.send(batch)
      }
    } finally {
      this.flushing = undefined
    }
  }

  private async send (batch: Pending<T>[]): Promise<void> {
    try {
      await this.collection.insertMany(batch.map(p => p.doc as OptionalUnlessRequiredId<T>), { ordered: true })
      for (const p of batch) p.resolve()
    } catch (err) {
      const failedAt = firstErrorIndex(err)
      if (failedAt === undefined) {
        // The whole batch failed (the database is unreachable, say): nobody knows what was written.
        for (const p of batch) p.reject(err)
        return
      }
      for (const p of batch.slice(0, failedAt)) p.resolve()
      const failed = batch[failedAt] as Pending<T>
      failed.reject(err)
      // Not tried: the failed caller's later documents are dropped (a caller's documents are a
      // prefix), the others go back to the front of the queue, in order.
      const rest = batch.slice(failedAt + 1)
      for (const p of rest) if (p.caller === failed.caller) p.reject(SKIPPED)
      this.queue.unshift(...rest.filter(p => p.caller !== failed.caller))
    }
  }
}

/** The index of the document an ordered insertMany stopped at, when the server said. */
function firstErrorIndex (err: unknown): number | undefined {
  const writeErrors = (err as { writeErrors?: { index: number }[] | { index: number } }).writeErrors
  const first = Array.isArray(writeErrors) ? writeErrors[0] : writeErrors
  return typeof first?.index === 'number' ? first.index : undefined
}

/**
 * Gathers items while one call of `send` is on its way and sends them together next, as
 * GroupCommit does for inserts; a batch succeeds or fails as a whole (for deletes by id, say).
 */
export class GroupBatch<T> {
  private queue: { item: T, resolve: () => void, reject: (err: unknown) => void }[] = []
  private flushing: Promise<void> | undefined

  constructor (private readonly send: (items: T[]) => Promise<unknown>) {}

  async add (item: T): Promise<void> {
    const done = new Promise<void>((resolve, reject) => { this.queue.push({ item, resolve, reject }) })
    this.flushing ??= this.drain()
    return done
  }

  private async drain (): Promise<void> {
    await Promise.resolve()
    try {
      while (this.queue.length > 0) {
        const batch = this.queue.splice(0, MAX_BATCH)
        try {
          await this.send(batch.map(p => p.item))
          for (const p of batch) p.resolve()
        } catch (err) {
          for (const p of batch) p.reject(err)
        }
      }
    } finally {
      this.flushing = undefined
    }
  }
}
