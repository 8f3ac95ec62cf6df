import fc from 'fast-check';
import { mutated, onlyThrows } from '../../test-fixtures/fuzz';
import { DevCa, generateSoftwareKey } from '../devca';
import { toPem } from '../asn1';
import { parseArgs, UsageError } from './args';
import { certificatesFromBytes, crlsFromBytes, InputError } from './inputs';
import { main } from './main';

const onlyInputErrors = (f: () => unknown): void => void onlyThrows(InputError, f);

describe('CLI input readers under mutated input', () => {
  let certDer: Uint8Array;
  let crlDer: Uint8Array;

  beforeAll(async () => {
    const ca = await DevCa.createRoot({ commonName: 'Fuzz CLI CA' });
    certDer = (
      await ca.issue({ subject: { CN: 'Fuzz' }, publicKeySpki: generateSoftwareKey().publicKeySpki, profile: 'person' })
    ).der;
    crlDer = await ca.issueCrl({ thisUpdate: new Date() });
  });

  it('reads certificates and CRLs (DER or PEM) or fails with an InputError', () => {
    const pemOf = (label: string) => (b: Uint8Array) => new Uint8Array(Buffer.from(toPem(label, b)));
    fc.assert(
      fc.property(
        fc.oneof(
          mutated(certDer),
          mutated(certDer).map(pemOf('CERTIFICATE')),
          mutated(new Uint8Array(Buffer.from(toPem('CERTIFICATE', certDer)))),
        ),
        (bytes) => onlyInputErrors(() => certificatesFromBytes('x.pem', bytes)),
      ),
      { numRuns: 400, seed: 5280 },
    );
    fc.assert(
      fc.property(fc.oneof(mutated(crlDer), mutated(crlDer).map(pemOf('X509 CRL'))), (bytes) =>
        onlyInputErrors(() => crlsFromBytes('x.crl', bytes)),
      ),
      { numRuns: 200, seed: 9 },
    );
  });

  it('parses any argument list or refuses it as bad usage; main always answers 0, 1 or 2', async () => {
    const word = fc.oneof(
      fc.constantFrom(
        'validate-chain',
        'verify',
        '--anchor',
        '--crl',
        '--at',
        '--json',
        '--lang',
        'vi',
        '--purpose',
        '--max-depth',
        '--key-usage',
        '--x',
        '-',
      ),
      fc.string({ maxLength: 12 }),
    );
    fc.assert(
      fc.property(fc.array(word, { maxLength: 10 }), (argv) => {
        try {
          parseArgs(argv);
        } catch (e) {
          if (!(e instanceof UsageError)) throw e;
        }
      }),
      { numRuns: 500, seed: 2 },
    );
    const io = {
      stdout: () => undefined,
      stderr: () => undefined,
      readFile: () => new Uint8Array(0),
      now: () => new Date(),
    };
    await fc.assert(
      fc.asyncProperty(fc.array(word, { maxLength: 8 }), async (argv) => {
        expect([0, 1, 2]).toContain(await main(argv, io));
      }),
      { numRuns: 200, seed: 3 },
    );
  });
});
