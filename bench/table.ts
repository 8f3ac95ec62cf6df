import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** One measured figure: its value and unit, or why there is none. */
export interface Figure {
  value: number | null;
  unit: string;
  /** How it was measured, or why it was not (e.g. "not available: no signing sessions"). */
  note?: string;
}

/**
 * One row of the bench table: Kyso's figure, the reference's figure from the same run, their
 * ratio (Kyso / reference, or reference / Kyso for "lower is better" figures), the target and
 * whether it is met (null when nothing could be measured).
 */
export interface Row {
  measure: string;
  kyso: Figure;
  reference: Figure & { name: string };
  ratio: number | null;
  target: string;
  met: boolean | null;
}

/** A "Kyso at least `min` × the reference" row. */
export function ratioRow(measure: string, kyso: Figure, reference: Row['reference'], min: number | null): Row {
  const ratio = kyso.value !== null && reference.value ? kyso.value / reference.value : null;
  return {
    measure,
    kyso,
    reference,
    ratio,
    target: min === null ? 'none (for comparison)' : `≥ ${min} × reference`,
    met: min === null || ratio === null ? null : ratio >= min,
  };
}

/** A "Kyso at most the reference (a limit)" row: memory, latency. */
export function limitRow(measure: string, kyso: Figure, reference: Row['reference']): Row {
  const ratio = kyso.value !== null && reference.value ? kyso.value / reference.value : null;
  return { measure, kyso, reference, ratio, target: `≤ ${reference.name}`, met: ratio === null ? null : ratio <= 1 };
}

const num = (n: number) => (n >= 100 ? Math.round(n).toLocaleString('en-US') : n >= 10 ? n.toFixed(1) : n.toFixed(2));
const figure = (f: Figure) =>
  f.value === null ? (f.note ?? 'not measured') : `${num(f.value)} ${f.unit}${f.note ? ` (${f.note})` : ''}`;
const met = (m: boolean | null) => (m === null ? '—' : m ? 'yes' : 'NO');

function cells(r: Row): string[] {
  return [
    r.measure,
    figure(r.kyso),
    `${r.reference.name}: ${figure(r.reference)}`,
    r.ratio === null ? '—' : `${r.ratio.toFixed(2)}×`,
    r.target,
    met(r.met),
  ];
}

const HEAD = ['Measure', 'Kyso', 'Reference (same run)', 'Ratio', 'Target', 'Met'];

/** The table as Markdown (also what the console shows: it reads well as text). */
export function markdown(rows: Row[]): string {
  const all = [HEAD, ...rows.map(cells)];
  const widths = HEAD.map((_, i) => Math.max(...all.map((r) => r[i].length)));
  const line = (r: string[]) => `| ${r.map((c, i) => c.padEnd(widths[i])).join(' | ')} |`;
  return [line(HEAD), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...rows.map((r) => line(cells(r)))].join(
    '\n',
  );
}

/** Writes bench/results/latest.json and latest.md; returns the Markdown. */
export function writeResults(dir: string, rows: Row[], context: Record<string, unknown>, notes: string[]): string {
  mkdirSync(dir, { recursive: true });
  const md = [
    `Measured ${String(context.date)} on ${String(context.machine)}, node ${String(context.node)}.`,
    '',
    markdown(rows),
    '',
    ...notes.map((n) => `- ${n}`),
    '',
  ].join('\n');
  writeFileSync(join(dir, 'latest.json'), `${JSON.stringify({ ...context, rows, notes }, null, 2)}\n`);
  writeFileSync(join(dir, 'latest.md'), md);
  return md;
}
