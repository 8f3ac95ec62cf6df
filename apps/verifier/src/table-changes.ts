import { Logger } from '@nestjs/common';
import { Client } from 'pg';

/** The channel the revocation cache tables notify on (migration 1799210000000), payload the table's name. */
export const REVOCATION_CACHE_CHANNEL = 'verifier_revocation_cache';

/**
 * The channel the evidence table notifies on (migration 1799320000000), payload the document's
 * digest (hex, upper case) of a record sealed, changed or deleted, `<digest> sealed <id>` when an
 * UPDATE only sealed record `id`, or `*` when the table was emptied.
 */
export const EVIDENCE_CHANNEL = 'verifier_evidence';

/** Waited before listening again after the connection was lost. */
const RECONNECT_MS = 1_000;

/**
 * What a held revocation cache asks: a number that changes at every change of the table and every
 * (re)connection, never taking a value it had before; undefined while changes cannot be heard.
 */
export interface CacheChanges {
  generation(table: string): number | undefined;
}

/**
 * Hears the changes of the tables the API holds rows of in memory (LISTEN on a connection of its
 * own, on the channels above). A revocation cache notification gives its table a new generation, so
 * rows held from before it are not served again; an evidence notification is handed to the
 * `onEvidence` listeners. While not listening (connecting, connection lost) `generation` and
 * `epoch` are undefined and the holders read through; every (re)connection starts a new epoch and
 * gives every table a new generation, so nothing held across a gap is served.
 *
 * Epochs and generations are all drawn from one counter, bumped at each of these events: a table's
 * generation is the number of the latest event that concerns it (its last change heard, or the
 * connection's start if later), so no two states of a table, whatever the connections, share one.
 */
export class TableChanges implements CacheChanges {
  private readonly logger = new Logger('TableChanges');
  /** Per table, the event number of its last change heard. */
  private readonly changed = new Map<string, number>();
  private readonly evidenceListeners: ((payload: string) => void)[] = [];
  /** Bumped at every event: a table's change, a (re)connection. */
  private events = 0;
  /** The event number of the connection listening now. */
  private connection = 0;
  private client?: Client;
  private live = false;
  private closed = false;
  private retry?: NodeJS.Timeout;

  constructor(
    private readonly connect: () => Client,
    private readonly reconnectMs = RECONNECT_MS,
  ) {}

  generation(table: string): number | undefined {
    return this.live ? Math.max(this.connection, this.changed.get(table) ?? 0) : undefined;
  }

  /** The connection's number while listening (what is held under another one is not served), else undefined. */
  epoch(): number | undefined {
    return this.live ? this.connection : undefined;
  }

  /** Calls `listener` with every evidence notification's payload (EVIDENCE_CHANNEL). */
  onEvidence(listener: (payload: string) => void): void {
    this.evidenceListeners.push(listener);
  }

  /** Starts listening; a failure is logged and retried (the holders read through meanwhile). */
  async start(): Promise<void> {
    if (this.closed) return;
    const client = this.connect();
    this.client = client;
    client.on('notification', (n) => {
      const payload = n.payload ?? '';
      if (n.channel === REVOCATION_CACHE_CHANNEL) this.changed.set(payload, ++this.events);
      else if (n.channel === EVIDENCE_CHANNEL) for (const l of this.evidenceListeners) l(payload);
    });
    client.on('error', (e) => this.lost(client, e));
    client.on('end', () => this.lost(client));
    try {
      await client.connect();
      await client.query(`LISTEN ${REVOCATION_CACHE_CHANNEL}; LISTEN ${EVIDENCE_CHANNEL}`);
      if (this.client !== client) return;
      this.connection = ++this.events;
      this.live = true;
    } catch (e) {
      this.lost(client, e as Error);
    }
  }

  private lost(client: Client, e?: Error): void {
    if (this.client !== client) return;
    this.live = false;
    this.client = undefined;
    client.end().catch(() => undefined);
    if (this.closed) return;
    this.logger.warn(`not hearing table changes (reading through): ${e?.message ?? 'connection ended'}`);
    this.retry = setTimeout(() => void this.start(), this.reconnectMs);
    this.retry.unref();
  }

  async close(): Promise<void> {
    this.closed = true;
    this.live = false;
    clearTimeout(this.retry);
    const client = this.client;
    this.client = undefined;
    await client?.end().catch(() => undefined);
  }
}
