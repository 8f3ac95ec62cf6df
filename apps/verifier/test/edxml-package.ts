import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const DIR = join(__dirname, 'edxml');

export const edxmlFixture = (name: string): Buffer => readFileSync(join(DIR, name));

export interface TestAttachment {
  name: string;
  bytes: Uint8Array;
  contentType?: string;
}

/**
 * The test package (edxml/package.xml) carrying `attachments`, base64 wrapped at 76 characters as
 * MIME writes it; `replace` swaps header text (e.g. another CodeNumber) for the mismatch cases.
 */
export function edxmlPackage(attachments: TestAttachment[], replace: [string, string][] = []): Buffer {
  const parts = attachments.map(
    (a, i) => `    <edXML:Attachment>
      <edXML:ContentId>att-${i + 1}</edXML:ContentId>
      <edXML:ContentType>${a.contentType ?? 'application/pdf'}</edXML:ContentType>
      <edXML:Description>${a.name}</edXML:Description>
      <edXML:AttachmentName>${a.name}</edXML:AttachmentName>
      <edXML:ContentTransferEncoded>${Buffer.from(a.bytes)
        .toString('base64')
        .replace(/.{76}/g, '$&\n')}</edXML:ContentTransferEncoded>
    </edXML:Attachment>`,
  );
  let xml = edxmlFixture('package.xml').toString('utf8').replace('{{ATTACHMENTS}}', parts.join('\n'));
  for (const [from, to] of replace) {
    if (!xml.includes(from)) throw new Error(`the test package has no ${from}`);
    xml = xml.replace(from, to);
  }
  return Buffer.from(xml, 'utf8');
}
