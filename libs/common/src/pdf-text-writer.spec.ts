import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PdfTextWriter } from './pdf-text-writer';

function pdftotext(pdf: Uint8Array): string {
  const dir = mkdtempSync(join(tmpdir(), 'kyso-text-writer-'));
  try {
    writeFileSync(join(dir, 't.pdf'), pdf);
    return execFileSync('pdftotext', ['-enc', 'UTF-8', join(dir, 't.pdf'), '-'], { encoding: 'utf8' });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe('PdfTextWriter', () => {
  const date = new Date('2026-11-30T02:00:00Z');

  it('writes Vietnamese that pdftotext reads back exactly, wrapped, with new pages as needed', async () => {
    const para = 'Đề nghị Quý cơ quan kiểm tra, ký số lại và gửi lại văn bản theo đúng quy định hiện hành. ';
    const w = await PdfTextWriter.create({ title: 'Thông báo', date });
    w.text('THÔNG BÁO TRẢ LẠI VĂN BẢN ĐIỆN TỬ', { bold: true, center: true, after: 10 });
    for (let i = 1; i <= 30; i++) w.text(`${i}. ${para.repeat(2)}`);
    const pdf = await w.save();
    const text = pdftotext(pdf);
    expect(text.split('\f').filter((p) => p.trim()).length).toBeGreaterThan(1);
    const flat = text.replace(/\s+/g, ' ');
    expect(flat).toContain('THÔNG BÁO TRẢ LẠI VĂN BẢN ĐIỆN TỬ');
    expect(flat).toContain(`30. ${para.repeat(2).trim()}`);
  });

  it('cuts a word wider than the line (a digest) instead of running off the page, and keeps fields in two columns', async () => {
    const digest = 'e3b0c44298fc1c149afbf4c8996fb924'.repeat(4);
    const w = await PdfTextWriter.create({ title: 'Phiếu', date, margin: 56 });
    w.text(digest, { size: 12 });
    w.field('Mã băm SHA-256 của tệp', digest, { labelWidth: 170, size: 11 });
    const lines = pdftotext(await w.save({ objectStreams: true }))
      .split('\n')
      .filter((l) => l.trim());
    const pieces = lines.filter((l) => /^[0-9a-f]+$/.test(l.trim()));
    // the paragraph's digest in at least two lines of its own, the value column's in at least two more
    expect(pieces.length).toBeGreaterThanOrEqual(4);
    expect(lines.join('').replace(/\s+/g, '')).toContain(digest + 'Mã');
    expect(lines.join('\n')).toContain('Mã băm SHA-256 của tệp');
  });

  it('cuts a very long word into full lines and keeps every character', async () => {
    // Digits all have one width in Liberation Serif, so every line but the last holds as many as fit.
    const word = '0123456789'.repeat(500);
    const w = await PdfTextWriter.create({ title: 'Phiếu', date });
    w.text(word, { size: 11 });
    const lines = pdftotext(await w.save())
      .split(/\s+/)
      .filter(Boolean);
    expect(lines.join('')).toBe(word);
    const full = lines.slice(0, -1).map((l) => l.length);
    expect(new Set(full).size).toBe(1);
    expect(lines[lines.length - 1].length).toBeLessThanOrEqual(full[0]);
    expect(lines.length).toBe(Math.ceil(word.length / full[0]));
  });
});
