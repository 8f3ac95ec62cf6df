import { Controller, Get, Param, Res } from '@nestjs/common';
import { ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { notFound } from '@kyso/common';

/**
 * Scripts and styles only from Kyso itself, as files (no inline code), results fetched from the same
 * origin, nothing framed: the page works under this policy and a injected script would not run.
 */
export const PAGE_CSP =
  "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; " +
  "form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

/** The page's files: read once at start (copied beside the compiled code by `npm run build`). */
const ASSETS_DIR = join(__dirname, 'assets');
const TYPES = {
  html: 'text/html; charset=utf-8',
  js: 'text/javascript; charset=utf-8',
  css: 'text/css; charset=utf-8',
};
const FILES: Record<string, { body: Buffer; type: string }> = Object.fromEntries(
  ['index.html', 'verify.html', 'verify.js', 'verify.css'].map((name) => [
    name,
    { body: readFileSync(join(ASSETS_DIR, name)), type: TYPES[name.split('.').pop() as keyof typeof TYPES] },
  ]),
);

/** The home page and the public verification page (issue 14.4): static files, no framework, no CDN. */
@ApiTags('public verification')
@Controller()
export class VerifyPageController {
  @Get()
  @ApiOperation({ summary: 'Home page (HTML), linking the verification page and the API documentation' })
  @ApiProduces('text/html')
  home(@Res() res: Response): void {
    send(res, 'index.html');
  }

  @Get('verify')
  @ApiOperation({
    summary: 'The public verification page (HTML, Vietnamese with an English switch)',
    description:
      'Drop or choose a PDF; the page calls POST /api/v1/public/validations/pdf. `#r=<token>` opens a kept link.',
  })
  @ApiProduces('text/html')
  page(@Res() res: Response): void {
    send(res, 'verify.html');
  }

  @Get('verify/:asset')
  @ApiOperation({ summary: "The page's script (verify.js) and style sheet (verify.css)" })
  @ApiProduces('text/javascript', 'text/css')
  asset(@Param('asset') asset: string, @Res() res: Response): void {
    if (asset !== 'verify.js' && asset !== 'verify.css') throw notFound('NOT_FOUND', `No file ${asset.slice(0, 64)}`);
    send(res, asset);
  }
}

function send(res: Response, name: string): void {
  const f = FILES[name];
  res
    .status(200)
    .setHeader('content-type', f.type)
    .setHeader('content-security-policy', PAGE_CSP)
    // short: a new release's page is picked up within minutes
    .setHeader('cache-control', 'public, max-age=300')
    .end(f.body);
}
