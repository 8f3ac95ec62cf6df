import { PdfTextWriter } from '@kyso/common';
import { rgb, type Color } from 'pdf-lib';
import type { Mark, ReadableReport } from './readable-report';

const BODY = 11;
const FIELD = { labelWidth: 170, size: BODY };

/** Colours that keep 4.5:1 contrast on white (WCAG AA), so a printed or screen copy stays legible. */
const MARK_COLOUR: Record<Mark, Color> = {
  valid: rgb(0.05, 0.4, 0.15),
  invalid: rgb(0.65, 0.05, 0.05),
  indeterminate: rgb(0.5, 0.3, 0),
};

/**
 * The verification report as a PDF (A4, Liberation Serif subset-embedded so Vietnamese shows and
 * extracts exactly). Deterministic for the same report: its dates are the validation time.
 */
export async function renderReportPdf(r: ReadableReport, validatedAt: Date): Promise<Uint8Array> {
  const w = await PdfTextWriter.create({
    title: r.title,
    date: validatedAt,
    lang: r.lang === 'vi' ? 'vi-VN' : 'en',
    creator: 'Kyso verifier',
    margin: 56,
  });
  w.text(r.title, { size: 15, bold: true, center: true }).gap(8);
  w.text(`${r.markText.toUpperCase()}: ${r.conclusion}`, { size: 13, bold: true, color: MARK_COLOUR[r.mark] }).gap(6);
  for (const [label, value] of r.facts) w.field(label, value, FIELD);
  for (const reason of r.reasons) w.field(r.reasonsLabel, `• ${reason}`, FIELD);
  for (const s of r.signatures) {
    w.gap(6).rule().gap(2);
    w.text(`${s.heading}: ${s.markText.toUpperCase()}`, { size: 12, bold: true, color: MARK_COLOUR[s.mark] });
    for (const [label, value] of s.fields) w.field(label, value, FIELD);
    for (const reason of s.reasons) w.field(r.reasonsLabel, `• ${reason}`, FIELD);
  }
  return w.save({ objectStreams: true });
}
