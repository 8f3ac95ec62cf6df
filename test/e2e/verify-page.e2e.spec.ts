import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import request from 'supertest';
import { startStack, Stack } from '../support/stack';

/** Debian's Chromium, installed by scripts/lib/ensure-system.sh (no browser can be downloaded). */
const CHROMIUM = '/usr/bin/chromium';
/** Screenshots of the run, kept for people to look at (var/ is not committed). */
const ARTIFACTS = join('var', 'test-artifacts');

/**
 * Issue 14.4: the public verification page in a real browser. A visitor with no account uploads a
 * PDF signed by the dev stack, the same PDF tampered with, and an unsigned one, and reads what the
 * page says; the report it downloads is a PDF with the Vietnamese text in it.
 */
describe('the public verification page, in headless Chromium', () => {
  let stack: Stack;
  let browser: BrowserContext;
  let page: Page;
  let profile: string;
  const files: Record<'valid' | 'tampered' | 'unsigned', string> = { valid: '', tampered: '', unsigned: '' };
  const work = mkdtempSync(join(tmpdir(), 'kyso-verify-page-'));

  beforeAll(async () => {
    stack = await startStack();
    const letter = readFileSync('docs/samples/cong-van.pdf');
    const o = stack.demo.officials[0];
    const signed = await request(stack.gatewayUrl)
      .post('/api/v1/signatures/pdf')
      .set({ Authorization: `Bearer ${stack.apiKey}` })
      .attach('file', letter, { filename: 'cong-van.pdf', contentType: 'application/pdf' })
      .field('certificateId', o.certificateId)
      .field('actingOfficialId', o.id)
      .field('pin', o.pin)
      .buffer(true)
      .parse((res, cb) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => cb(null, Buffer.concat(chunks)));
      });
    expect(signed.status).toBe(200);
    const pdf = signed.body as Buffer;
    // One byte inside the signed range changes: the page becomes 1 pt wider.
    const tampered = Buffer.from(pdf);
    const at = tampered.indexOf('/MediaBox [ 0 0 595');
    expect(at).toBeGreaterThan(0);
    tampered[at + 18] = '6'.charCodeAt(0);
    files.valid = join(work, 'cong-van-da-ky.pdf');
    files.tampered = join(work, 'cong-van-bi-sua.pdf');
    files.unsigned = join(work, 'cong-van-chua-ky.pdf');
    writeFileSync(files.valid, pdf);
    writeFileSync(files.tampered, tampered);
    writeFileSync(files.unsigned, letter);

    profile = mkdtempSync(join(tmpdir(), 'kyso-chromium-'));
    // A fresh profile each run (the persistent-context form is how Playwright takes --user-data-dir).
    browser = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM,
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
      acceptDownloads: true,
      viewport: { width: 1000, height: 1400 },
    });
    page = await browser.newPage();
  });

  afterAll(async () => {
    await browser?.close();
    await stack?.close();
    rmSync(profile, { recursive: true, force: true });
    rmSync(work, { recursive: true, force: true });
  });

  async function upload(file: string): Promise<string> {
    await page.goto(`${stack.gatewayUrl}/verify`);
    await page.getByLabel('Chọn tệp PDF').setInputFiles(file);
    await page.locator('#conclusion').waitFor({ timeout: 45_000 });
    return page.locator('#result').innerText();
  }

  it('is linked from the home page and served with a strict Content-Security-Policy, no other origin', async () => {
    await page.goto(stack.gatewayUrl);
    await page.getByRole('link', { name: 'Kiểm tra chữ ký số trên tệp PDF' }).click();
    await page.waitForURL(/\/verify$/);
    const res = await request(stack.gatewayUrl).get('/verify');
    expect(res.headers['content-security-policy']).toContain("script-src 'self'");
    expect(res.headers['content-security-policy']).not.toContain('unsafe-inline');
    expect(res.text).not.toMatch(/https?:\/\//);
    expect(await page.locator('html').getAttribute('lang')).toBe('vi');
  });

  it('says a document signed by the stack is valid, who signed it, and gives the report as PDF', async () => {
    const text = await upload(files.valid);
    expect(await page.locator('#verdict').innerText()).toContain('Hợp lệ');
    expect(text).toContain('Văn bản có 1 chữ ký số, tất cả đều hợp lệ');
    expect(text).toContain(stack.demo.officials[0].name);
    expect(text).toMatch(/\+07:00/);
    await page.screenshot({ path: join(ARTIFACTS, 'verify-page-valid.png'), fullPage: true });

    const [download] = await Promise.all([page.waitForEvent('download'), page.locator('#download').click()]);
    const saved = join(work, 'report.pdf');
    await download.saveAs(saved);
    const report = execFileSync('pdftotext', ['-enc', 'UTF-8', saved, '-'], { encoding: 'utf8' });
    expect(report).toContain('PHIẾU KẾT QUẢ KIỂM TRA CHỮ KÝ SỐ');
    expect(report).toContain(stack.demo.officials[0].name);
    expect(report).toContain('Văn bản có 1 chữ ký số, tất cả đều hợp lệ');
  });

  it('says a tampered document is not valid, with the reason, and switches to English', async () => {
    const text = await upload(files.tampered);
    expect(await page.locator('#verdict').innerText()).toContain('Không hợp lệ');
    expect(text).toContain('Không toàn vẹn');
    await page.screenshot({ path: join(ARTIFACTS, 'verify-page-tampered.png'), fullPage: true });
    await page.getByRole('button', { name: 'English' }).click();
    expect(await page.locator('#verdict').innerText()).toContain('Not valid');
    expect(await page.locator('html').getAttribute('lang')).toBe('en');
  });

  it('says an unsigned document has no signature, and keeps a link only when asked', async () => {
    await page.goto(`${stack.gatewayUrl}/verify`);
    await page.getByLabel('Tạo đường dẫn để xem lại kết quả này (giữ 30 ngày)').check();
    await page.getByLabel('Chọn tệp PDF').setInputFiles(files.unsigned);
    await page.locator('#conclusion').waitFor({ timeout: 45_000 });
    expect(await page.locator('#verdict').innerText()).toContain('Chưa xác định được');
    expect(await page.locator('#conclusion').innerText()).toBe('Văn bản không có chữ ký số nào.');
    const link = await page.locator('#share').getAttribute('href');
    expect(link).toMatch(/\/verify#r=/);
    await page.screenshot({ path: join(ARTIFACTS, 'verify-page-unsigned.png'), fullPage: true });

    // the link opens the same result in a fresh page
    const other = await browser.newPage();
    await other.goto(link!);
    await other.locator('#conclusion').waitFor({ timeout: 15_000 });
    expect(await other.locator('#conclusion').innerText()).toBe('Văn bản không có chữ ký số nào.');
    await other.close();
  });

  it('is operated with the keyboard: the file input takes focus from the start of the page', async () => {
    await page.goto(`${stack.gatewayUrl}/verify`);
    const focused: string[] = [];
    for (let i = 0; i < 5; i++) {
      await page.keyboard.press('Tab');
      focused.push(await page.locator(':focus').evaluate((e) => e.id || e.tagName));
    }
    expect(focused).toContain('file');
    expect(focused).toContain('keep');
  });
});

mkdirSync(ARTIFACTS, { recursive: true });
