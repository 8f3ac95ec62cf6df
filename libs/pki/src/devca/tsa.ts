import * as x509 from '@peculiar/x509';
import { createHash, randomBytes } from 'node:crypto';
import { buildSignedAttributes } from '../cms/build';
import { PkiFormatError } from '../errors';
import { SignatureAlgorithm } from '../signer';
import { encodeMessageImprint, parseTimeStampRequest, TimeStampRequest, TSP_OID } from '../tsp/request';
import { PKI_FAILURE_BIT } from '../tsp/token';
import { DIGESTS, OID_SHA256 } from '../x509/algorithms';
import { Certificate } from '../x509/certificate';
import { certificateParts } from '../x509/parts';
import { der, generalizedTime, integer, octetString, oid, readTlv, seq, setOf, TAG, tlvValue } from '../asn1';
import type { DevCa } from './dev-ca';
import { signatureAlgorithmDer } from './sign';
import { generateSoftwareKey, SoftwareKey } from './software-key';

/** The dev TSA's policy OID (a private arc: dev use only). */
export const DEV_TSA_POLICY = '1.3.6.1.4.1.99999.3161.1';

export interface DevTsaOptions {
  commonName?: string;
  keyAlgorithm?: SignatureAlgorithm;
  policy?: string;
  /** false: a TSA certificate whose timeStamping EKU is not critical (for negative tests). */
  ekuCritical?: boolean;
  /** The clock that gives genTime (default the system clock). */
  clock?: () => Date;
}

export interface TimestampInput {
  imprint: Uint8Array;
  hashAlgorithm?: string; // OID, default SHA-256
  nonce?: bigint;
  certReq?: boolean;
}

function failure(bit: number, text: string): Uint8Array {
  const bits = new Uint8Array(4);
  bits[bit >> 3] |= 0x80 >> (bit & 7);
  const used = bits.subarray(0, (bit >> 3) + 1);
  return seq(
    seq(
      integer(2),
      seq(der(TAG.UTF8_STRING, Buffer.from(text, 'utf8'))),
      der(TAG.BIT_STRING, Uint8Array.of(7 - (bit & 7)), used),
    ),
  );
}

/**
 * An RFC 3161 time-stamping authority with a software key and a certificate from a dev CA
 * (EKU id-kp-timeStamping, critical). Pure: takes a request, returns a response; serving it over
 * HTTP is a service's job.
 */
export class DevTsa {
  private serial = BigInt(`0x${randomBytes(6).toString('hex')}`);

  private constructor(
    readonly certificate: Certificate,
    readonly chain: Certificate[],
    private readonly key: SoftwareKey,
    private readonly policy: string,
    private readonly clock: () => Date,
  ) {}

  static async create(ca: DevCa, opts: DevTsaOptions = {}): Promise<DevTsa> {
    const key = generateSoftwareKey(opts.keyAlgorithm ?? 'ECDSA-P256-SHA256');
    const certificate = await ca.issue({
      subject: { CN: opts.commonName ?? 'Kyso Dev TSA', O: 'Kyso', C: 'VN' },
      publicKeySpki: key.publicKeySpki,
      profile: 'device',
      keyUsage: ['digitalSignature', 'nonRepudiation'],
      extraExtensions: [new x509.ExtendedKeyUsageExtension([TSP_OID.timeStamping], opts.ekuCritical ?? true)],
    });
    return new DevTsa(
      certificate,
      [ca.certificate],
      key,
      opts.policy ?? DEV_TSA_POLICY,
      opts.clock ?? (() => new Date()),
    );
  }

  /** A DER TimeStampResp for a DER TimeStampReq or an imprint; a malformed request gets a rejection. */
  async timestamp(input: Uint8Array | TimestampInput, opts: { genTime?: Date } = {}): Promise<Uint8Array> {
    let req: Pick<TimeStampRequest, 'messageImprint' | 'nonce' | 'certReq'>;
    if (input instanceof Uint8Array) {
      try {
        req = parseTimeStampRequest(input);
      } catch (e) {
        if (e instanceof PkiFormatError) return failure(PKI_FAILURE_BIT.badDataFormat, 'malformed request');
        throw e;
      }
    } else {
      req = {
        messageImprint: { hashAlgorithm: input.hashAlgorithm ?? OID_SHA256, hashedMessage: input.imprint },
        nonce: input.nonce,
        certReq: input.certReq ?? true,
      };
    }
    const digest = DIGESTS[req.messageImprint.hashAlgorithm];
    if (!digest || createHash(digest.node).digest().length !== req.messageImprint.hashedMessage.length)
      return failure(PKI_FAILURE_BIT.badAlg, 'unsupported or inconsistent hash');
    const tstInfo = seq(
      integer(1),
      oid(this.policy),
      encodeMessageImprint(req.messageImprint),
      integer(++this.serial),
      generalizedTime(opts.genTime ?? this.clock(), true),
      seq(integer(1)), // accuracy: 1 second
      ...(req.nonce !== undefined ? [integer(req.nonce)] : []),
    );
    const token = await this.signToken(tstInfo, req.certReq);
    return seq(seq(integer(0)), token);
  }

  /** CMS SignedData (version 3) with the TSTInfo encapsulated, ESS signingCertificateV2 signed. */
  private async signToken(tstInfo: Uint8Array, certReq: boolean): Promise<Uint8Array> {
    const signedAttrs = buildSignedAttributes({
      contentDigest: createHash('sha256').update(tstInfo).digest(),
      signerCertificate: this.certificate,
      certificates: [],
      signer: this.key.signer,
      contentType: TSP_OID.tstInfo,
    });
    const signature = await this.key.signer.sign(signedAttrs);
    const parts = certificateParts(this.certificate);
    const sha256 = seq(oid(OID_SHA256));
    const signerInfo = seq(
      integer(1),
      seq(parts.issuerDer, parts.serialDer),
      sha256,
      der(TAG.context(0), tlvValue(signedAttrs, readTlv(signedAttrs))),
      signatureAlgorithmDer(this.key.algorithm),
      octetString(signature),
    );
    const signedData = seq(
      integer(3),
      setOf([sha256]),
      seq(oid(TSP_OID.tstInfo), der(TAG.context(0), octetString(tstInfo))),
      ...(certReq ? [setOf([this.certificate.der], TAG.context(0))] : []),
      setOf([signerInfo]),
    );
    return seq(oid('1.2.840.113549.1.7.2'), der(TAG.context(0), signedData));
  }
}
