/**
 * A query checked against its contract (the pipe has dropped what the contract does not name), as
 * the upstream service gets it: `?a=1&b=2`, or '' when empty.
 */
export function checkedQuery(query: object): string {
  const p = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) if (v !== undefined) p.set(k, String(v));
  const s = p.toString();
  return s ? `?${s}` : '';
}
