import { assertEveryJobHandled, certificatesJobId, crlJobId, JOB_ID, JOB_QUEUE, JobName, QueueName } from './jobs';

describe('verifier jobs', () => {
  const handle = async () => undefined;
  const all = {
    [JobName.ValidatePdf]: handle,
    [JobName.FetchCrl]: handle,
    [JobName.FetchOcsp]: handle,
    [JobName.FetchCertificates]: handle,
    [JobName.MaintainEvidence]: handle,
  };

  it('boot only when every job has exactly one handler, none missing and none for an unknown name', () => {
    expect(() => assertEveryJobHandled(all)).not.toThrow();
    const { [JobName.FetchOcsp]: _gone, ...missing } = all;
    expect(() => assertEveryJobHandled(missing)).toThrow(/No handler for job\(s\): fetch-ocsp/);
    expect(() => assertEveryJobHandled({ ...all, 'fetch-crls': handle })).toThrow(/unknown job\(s\): fetch-crls/);
    expect(() => assertEveryJobHandled({ ...all, [JobName.FetchCrl]: 'not a function' })).toThrow(/fetch-crl/);
  });

  it('give work that must not run twice a deterministic id, OCSP requests included (the same request coalesces)', () => {
    expect(JOB_ID[JobName.ValidatePdf]({ validationId: 'v1' })).toBe('v1');
    expect(JOB_ID[JobName.FetchCrl]({ url: 'http://ca/x.crl' })).toBe(crlJobId('http://ca/x.crl'));
    expect(crlJobId('http://ca/x.crl')).not.toBe(crlJobId('http://ca/y.crl'));
    expect(crlJobId('http://ca/x.crl')).toMatch(/^crl-[0-9a-f]{64}$/); // BullMQ refuses ":" in custom ids
    const aia = 'http://ca/sub.cer';
    expect(JOB_ID[JobName.FetchCertificates]({ url: aia })).toBe(certificatesJobId(aia));
    expect(certificatesJobId(aia)).toMatch(/^ca-issuers-[0-9a-f]{64}$/);
    expect(certificatesJobId(aia)).not.toBe(crlJobId(aia)); // a URL serving both kinds runs both jobs
    const ocsp = { url: 'http://ca/ocsp', request: 'MAA=' };
    expect(JOB_ID[JobName.FetchOcsp](ocsp)).toBe(JOB_ID[JobName.FetchOcsp]({ ...ocsp }));
    expect(JOB_ID[JobName.FetchOcsp](ocsp)).toMatch(/^ocsp-[0-9a-f]{64}$/);
    expect(JOB_ID[JobName.FetchOcsp](ocsp)).not.toBe(JOB_ID[JobName.FetchOcsp]({ ...ocsp, request: 'MAE=' }));
    expect(JOB_ID[JobName.FetchOcsp](ocsp)).not.toBe(JOB_ID[JobName.FetchOcsp]({ ...ocsp, url: 'http://ca/ocsp2' }));
    expect(JOB_ID[JobName.MaintainEvidence]({})).toBe('maintain-evidence'); // one schedule, however many workers
  });

  it('put every job on one queue', () => {
    expect(Object.keys(JOB_QUEUE).sort()).toEqual(Object.values(JobName).sort());
    expect(new Set(Object.values(JOB_QUEUE))).toEqual(new Set(Object.values(QueueName)));
  });
});
