import type { IncomingMessage } from 'node:http';
import { FORM_TEXT_LIMITS, readSingleFileForm, SingleFileForm } from '@kyso/common';
import { IN_MEMORY_UPLOAD_BYTES, spareUploadMemory } from './uploads';

/** multer's limits for the signer's forms (MulterModule in signer.module.ts), and the lean path's. */
export const SIGN_FORM_LIMITS = { files: 1, fields: 16, fieldSize: 64 * 1024 } as const;

export interface SignFormOptions {
  maxPdfBytes: number;
  uploadDir: string;
}

/**
 * The form of `POST /signatures/pdf` straight from the request (issues 12.5, 12.6), as the route's
 * multer stack reads it (SpillingStorage with spareUploadMemory and the PIN pre-check's hook):
 * readSingleFileForm with multer's limits, refusals and field nesting, the file hashed as it
 * arrives, kept in memory when small, received into the spare buffer when big (lendSpareUpload
 * must have been called for the request) or spilled to a file; `bigUpload` is told, with the fields
 * sent before the file, when SpillingStorage would tell it.
 */
export function readSignForm(
  req: IncomingMessage,
  opts: SignFormOptions,
  bigUpload: (fieldsSoFar: Record<string, unknown>) => void,
): Promise<SingleFileForm | undefined> {
  const memory = spareUploadMemory(opts.maxPdfBytes);
  return readSingleFileForm(req, {
    field: 'file',
    maxFileBytes: opts.maxPdfBytes,
    inMemoryBytes: IN_MEMORY_UPLOAD_BYTES,
    dir: opts.uploadDir,
    limits: { ...SIGN_FORM_LIMITS, parts: FORM_TEXT_LIMITS.parts },
    asMulter: true,
    memory: () => memory(req),
    bigUpload,
  });
}
