// Renewal overlap: the bundle holds the new and the old CA, so servers presenting either certificate pass the handshake.
import { issueServiceCertificate } from '../../src/tls/service-certificate.js';
import { overlapBundle, splitPemBundle, caBundleBase64, caBundleFromBase64 } from '../../src/tls/ca-bundle.js';
import { daysUntilExpiry, needsRenewal, coversDnsNames, signedBy, keyMatches, dnsNamesOf } from '../../src/tls/certificate-lifetime.js';
import { createCa } from '../../src/tls/certificates.js';
import { handshake } from './tls-handshake.js';

const DAY = 24 * 60 * 60 * 1000;
// The real clock: the handshakes below check validity against it.
const now = new Date();
const service = { service: 'riskgate', namespace: 'riskgate' };
const host = 'riskgate.riskgate.svc';

describe('overlap bundle', () => {
  const old = issueServiceCertificate({ ...service, now: new Date(now.getTime() - 340 * DAY), days: 365 });
  const renewed = issueServiceCertificate({ ...service, now, days: 365 });
  const bundle = overlapBundle(renewed.ca.cert, old.ca.cert, now);

  test('the old certificate is due for renewal 25 days before expiry; the new one is not', () => {
    expect(Math.round(daysUntilExpiry(old.serving.cert, now))).toBe(25);
    expect(needsRenewal(old.serving.cert, now, 30)).toBe(true);
    expect(needsRenewal(renewed.serving.cert, now, 30)).toBe(false);
  });

  test('new CA first, then the old one; both servers pass a real handshake with the bundle as the only trust', async () => {
    expect(splitPemBundle(bundle)).toEqual([renewed.ca.cert, old.ca.cert].map((p) => `${p.trim()}\n`));
    expect(await handshake(old.serving, bundle, host)).toBe('ok');
    expect(await handshake(renewed.serving, bundle, host)).toBe('ok');
    expect(await handshake(old.serving, renewed.ca.cert, host)).toBe('UNABLE_TO_VERIFY_LEAF_SIGNATURE');
  });

  test('renewing twice keeps one copy of each CA, and an expired CA leaves the bundle', () => {
    expect(splitPemBundle(overlapBundle(renewed.ca.cert, bundle, now))).toHaveLength(2);
    const later = new Date(now.getTime() + 30 * DAY);
    expect(splitPemBundle(overlapBundle(renewed.ca.cert, bundle, later))).toEqual(splitPemBundle(renewed.ca.cert));
  });

  test('the caBundle field round-trips through base64', () => {
    expect(caBundleFromBase64(caBundleBase64(bundle))).toBe(bundle);
  });

  test('checks used to decide on renewal: names, issuer, key', () => {
    expect(dnsNamesOf(renewed.serving.cert)).toEqual(renewed.dnsNames);
    expect(coversDnsNames(renewed.serving.cert, renewed.dnsNames)).toBe(true);
    expect(coversDnsNames(renewed.serving.cert, ['riskgate.other.svc'])).toBe(false);
    expect(signedBy(renewed.serving.cert, renewed.ca.cert)).toBe(true);
    expect(signedBy(renewed.serving.cert, old.ca.cert)).toBe(false);
    expect(keyMatches(renewed.serving.cert, renewed.serving.key)).toBe(true);
    expect(keyMatches(renewed.serving.cert, old.serving.key)).toBe(false);
    expect(keyMatches(renewed.serving.cert, 'not a key')).toBe(false);
  });

  test('a bundle without a certificate is refused', () => {
    expect(() => overlapBundle('garbage', bundle, now)).toThrow('not a PEM certificate');
    expect(splitPemBundle(`junk\n${createCa({ commonName: 'x', now, days: 1 }).cert}trailing`)).toHaveLength(1);
  });
});
