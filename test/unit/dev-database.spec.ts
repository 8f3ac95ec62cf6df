import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { devDatabaseAction, readOrCreateInstallId } from '../../scripts/dev/database';

describe('the quickstart dev database belongs to one var/dev', () => {
  const id = 'a'.repeat(32);
  const marked = (x: string) => `kyso-dev install ${x}`;

  it('creates a missing database and keeps one marked with this var/dev', () => {
    expect(devDatabaseAction({ exists: false, marker: null, installId: id, legacyOwned: false })).toBe('create');
    expect(devDatabaseAction({ exists: true, marker: marked(id), installId: id, legacyOwned: false })).toBe('reuse');
  });

  it("makes again a database of another or a deleted var/dev, even when it holds this var/dev's ids", () => {
    const other = marked('b'.repeat(32));
    expect(devDatabaseAction({ exists: true, marker: other, installId: id, legacyOwned: false })).toBe('recreate');
    expect(devDatabaseAction({ exists: true, marker: other, installId: id, legacyOwned: true })).toBe('recreate');
    expect(devDatabaseAction({ exists: true, marker: 'a note', installId: id, legacyOwned: false })).toBe('recreate');
  });

  it('adopts an unmarked database of an earlier quickstart only when it holds this var/dev demo data', () => {
    expect(devDatabaseAction({ exists: true, marker: null, installId: id, legacyOwned: true })).toBe('adopt');
    expect(devDatabaseAction({ exists: true, marker: null, installId: id, legacyOwned: false })).toBe('recreate');
  });

  it('draws the install id once per var/dev, private to its owner', () => {
    const dir = mkdtempSync(join(tmpdir(), 'kyso-install-id-'));
    try {
      const devDir = join(dir, 'dev');
      const first = readOrCreateInstallId(devDir);
      expect(first).toMatch(/^[0-9a-f]{32}$/);
      expect(readOrCreateInstallId(devDir)).toBe(first);
      expect(readFileSync(join(devDir, 'install-id'), 'utf8').trim()).toBe(first);
      expect(statSync(join(devDir, 'install-id')).mode & 0o077).toBe(0);
      expect(readOrCreateInstallId(join(dir, 'other'))).not.toBe(first);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
