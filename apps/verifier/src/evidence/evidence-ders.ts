import { StoredDigests } from '@kyso/common';
import type { EvidenceRecord } from './evidence-record';

/** The DERs a statement storing a record sends: names and bytes, as unnest takes them. */
export interface DerParams {
  names: string[];
  ders: Buffer[];
}

/** What the database answers when a record names a DER that is not stored (migration 1799400000000). */
const isDerMissing = (e: unknown) =>
  (e as { code?: string }).code === '23503' && (e as { constraint?: string }).constraint === 'validation_evidence_der';

/**
 * Which evidence DERs this process stored (by SHA-256), so a record sends only the DERs it is the
 * first to name (issue 16.3): a known document's record is one small INSERT, as the signer's
 * (signer.evidence_item). Unlike the signer's, a DER can go (the purge takes those no record names):
 * a record naming a DER no longer stored is refused, and stored again with all its DERs sent.
 */
export class StoredDers {
  private readonly known = new StoredDigests();

  /** Stores the record with `run` (given the DERs to send), sending them all again when one it named was gone. */
  async store<T>(record: EvidenceRecord, run: (ders: DerParams) => Promise<T>): Promise<T> {
    let sent = this.toSend(record, false);
    let result: T;
    try {
      result = await run(sent);
    } catch (e) {
      if (!isDerMissing(e)) throw e;
      this.known.clear();
      sent = this.toSend(record, true);
      result = await run(sent);
    }
    this.known.add(sent.names);
    return result;
  }

  /**
   * Stores the records in one statement with `run`, given the DERs none of them knows stored (each
   * sent once). No retry here: the caller stores each with store() if it fails.
   */
  async storeMany<T>(records: readonly EvidenceRecord[], run: (ders: DerParams) => Promise<T>): Promise<T> {
    const sent: DerParams = { names: [], ders: [] };
    for (const r of records) this.toSend(r, false, sent);
    const result = await run(sent);
    this.known.add(sent.names);
    return result;
  }

  /** The record's DERs not known stored (all of them with `all`), added to `out`. */
  private toSend(record: EvidenceRecord, all: boolean, out: DerParams = { names: [], ders: [] }): DerParams {
    const { named, material } = record;
    if (!named) return out; // format 1: inline
    const add = (name: string, der: string) => {
      if ((all || !this.known.has(name)) && !out.names.includes(name)) {
        out.names.push(name);
        out.ders.push(Buffer.from(der, 'base64'));
      }
    };
    named.certificates.forEach((n, i) => add(n, material.certificates[i]));
    named.crls.forEach((f, i) => add(f.sha256, material.crls[i].der));
    named.ocspResponses.forEach((f, i) => add(f.sha256, material.ocspResponses[i].der));
    return out;
  }
}

/** The process's memory of stored DERs, shared by the statements that store records (one database per process). */
export const storedDers = new StoredDers();
