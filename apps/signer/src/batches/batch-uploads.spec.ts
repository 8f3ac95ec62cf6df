import { ProblemError } from '@kyso/common';
import { MulterError } from 'multer';
import { formRefusal } from './batch-uploads';

/** The problem an error is answered with (status, code, detail), or the error itself when none. */
const answer = (e: unknown): unknown => {
  const out = formRefusal(e, 3);
  return out instanceof ProblemError ? [out.status, out.code, out.detail] : out;
};

describe('formRefusal: the batch form’s refusals as the other upload routes answer them', () => {
  it('answers more documents than a batch holds with the batch’s 422', () => {
    expect(answer(new MulterError('LIMIT_FILE_COUNT'))).toEqual([422, 'BATCH_TOO_MANY_FILES', expect.any(String)]);
    expect(answer(new MulterError('LIMIT_UNEXPECTED_FILE', 'files'))).toEqual([
      422,
      'BATCH_TOO_MANY_FILES',
      expect.any(String),
    ]);
  });

  it('answers a file too large with 413, and the form’s other limits with 400 naming the field', () => {
    expect(answer(new MulterError('LIMIT_FILE_SIZE', 'files'))).toEqual([413, 'PAYLOAD_TOO_LARGE', 'File too large']);
    expect(answer(new MulterError('LIMIT_UNEXPECTED_FILE', 'file'))).toEqual([
      400,
      'BAD_REQUEST',
      'Unexpected file field - file',
    ]);
    expect(answer(new MulterError('LIMIT_FIELD_COUNT'))).toEqual([400, 'BAD_REQUEST', 'Too many fields']);
  });

  it('answers a malformed body with 400, and leaves any other error as it is', () => {
    expect(answer(new Error('Unexpected end of form'))).toEqual([
      400,
      'BAD_REQUEST',
      'Multipart: Unexpected end of form',
    ]);
    expect(answer(new Error('Multipart: Boundary not found'))).toEqual([
      400,
      'BAD_REQUEST',
      'Multipart: Boundary not found',
    ]);
    const disk = Object.assign(new Error('ENOSPC: no space left on device'), { code: 'ENOSPC' });
    expect(answer(disk)).toBe(disk);
    const destroyed = new MulterError('STREAM_DESTROYED' as 'LIMIT_PART_COUNT');
    expect(answer(destroyed)).toBe(destroyed);
  });
});
