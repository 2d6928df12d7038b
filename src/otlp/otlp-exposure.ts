// Whether serve may start an OTLP receiver that authenticates nobody: only on loopback, or when --otlp-insecure says so.
import { isIP } from 'node:net';
import { RiskgateError } from '../riskgate-error.js';

/** True for addresses only this host (this pod's network namespace) can reach: 127.0.0.0/8, ::1, localhost. */
export function isLoopbackHost(host: string): boolean {
  const bare = host.startsWith('[') && host.endsWith(']') ? host.slice(1, -1) : host;
  if (bare.toLowerCase() === 'localhost') return true;
  if (isIP(bare) === 4) return bare.split('.')[0] === '127';
  if (isIP(bare) === 6) return /^(0{0,4}:){2,7}0{0,3}1$|^::1$/i.test(bare) || /^::ffff:127\./i.test(bare);
  return false;
}

export interface OtlpExposure {
  host: string;
  authenticated: boolean;
  insecure: boolean;
}

/** Refuses an unauthenticated receiver on an address others can reach, unless the user chose it with --otlp-insecure. */
export function checkOtlpExposure({ host, authenticated, insecure }: OtlpExposure): void {
  if (authenticated || insecure || isLoopbackHost(host)) return;
  throw new RiskgateError(
    'OTLP_UNAUTHENTICATED',
    `the OTLP receiver on ${host} would take metrics from anyone who reaches it: set --otlp-token-file or --otlp-client-ca, listen on loopback (--otlp-host 127.0.0.1), or pass --otlp-insecure to accept that`,
  );
}
