// e2e harness: the control plane's PKI with openssl: a CA, the API server's serving certificate, client certificates, SA keys.
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

function openssl(args: string[], cwd: string): void {
  execFileSync('openssl', args, { cwd, stdio: ['ignore', 'ignore', 'pipe'] });
}

export interface CertificateAuthority {
  cert: string;
  key: string;
}

/** A self-signed CA (EC P-256: quick to make) named `name`, written as `<name>.crt` and `<name>.key` in dir. */
export function makeCa(dir: string, name: string): CertificateAuthority {
  const key = join(dir, `${name}.key`);
  const cert = join(dir, `${name}.crt`);
  openssl(['ecparam', '-name', 'prime256v1', '-genkey', '-noout', '-out', key], dir);
  openssl(['req', '-x509', '-new', '-key', key, '-days', '2', '-subj', `/CN=${name}`, '-out', cert], dir);
  return { cert, key };
}

export interface IssuedCertificate {
  cert: string;
  key: string;
}

/** A certificate signed by ca: CN and O (groups) for a client, SANs for a server. */
export function issue(
  dir: string,
  ca: CertificateAuthority,
  name: string,
  subject: { cn: string; o?: string[]; sans?: string[]; usage: 'server' | 'client' },
): IssuedCertificate {
  const key = join(dir, `${name}.key`);
  const csr = join(dir, `${name}.csr`);
  const cert = join(dir, `${name}.crt`);
  const ext = join(dir, `${name}.ext`);
  const subj = `/CN=${subject.cn}${(subject.o ?? []).map((o) => `/O=${o}`).join('')}`;
  openssl(['ecparam', '-name', 'prime256v1', '-genkey', '-noout', '-out', key], dir);
  openssl(['req', '-new', '-key', key, '-subj', subj, '-out', csr], dir);
  const lines = [
    'basicConstraints=CA:FALSE',
    'keyUsage=digitalSignature,keyEncipherment',
    `extendedKeyUsage=${subject.usage === 'server' ? 'serverAuth' : 'clientAuth'}`,
  ];
  if (subject.sans?.length) lines.push(`subjectAltName=${subject.sans.join(',')}`);
  writeFileSync(ext, `${lines.join('\n')}\n`);
  openssl(['x509', '-req', '-in', csr, '-CA', ca.cert, '-CAkey', ca.key, '-CAcreateserial', '-days', '2', '-extfile', ext, '-out', cert], dir);
  return { cert, key };
}

/** The RSA key pair the API server signs and verifies service-account tokens with. */
export function makeServiceAccountKeys(dir: string): { publicKey: string; privateKey: string } {
  const privateKey = join(dir, 'sa.key');
  const publicKey = join(dir, 'sa.pub');
  openssl(['genrsa', '-out', privateKey, '2048'], dir);
  openssl(['rsa', '-in', privateKey, '-pubout', '-out', publicKey], dir);
  return { publicKey, privateKey };
}
