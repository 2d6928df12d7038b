// Who may call the admission port: the client CA and certificate names (--client-ca, --client-cn), and why a caller was refused.
import type { TLSSocket } from 'node:tls';

export interface ClientAuth {
  /** PEM bundle of the CA(s) that sign the API server's client certificate. */
  ca: string;
  /** Common names accepted; empty: any certificate the CA signed. */
  names: readonly string[];
}

/**
 * Why a connection was refused: no certificate, one the CA did not sign, a name not in the list, another handshake
 * failure, or the port's budget (connections in all or from one peer, request bodies in flight).
 */
export type ClientRefusalReason =
  | 'no_certificate'
  | 'untrusted_certificate'
  | 'name_not_allowed'
  | 'handshake_failed'
  | 'too_many_connections'
  | 'peer_connection_limit'
  | 'body_budget';

export interface ClientRefusal {
  reason: ClientRefusalReason;
  /** The peer's IP address, when known. */
  peer: string;
  /** OpenSSL's or Node's description of the failure, or the refused name. */
  detail: string;
}

/**
 * The server options that ask every client for a certificate and verify it against the CA. The verdict is acted on
 * when the handshake ends (verdictOf), before the HTTP layer reads a byte: Node itself would drop an untrusted
 * certificate silently, and this way every refusal is counted and logged.
 */
export function clientAuthTlsOptions(auth: ClientAuth): { requestCert: true; rejectUnauthorized: false; ca: string } {
  return { requestCert: true, rejectUnauthorized: false, ca: auth.ca };
}

/** Why a finished handshake's caller is refused, or undefined when it may speak. */
export function verdictOf(auth: ClientAuth, socket: TLSSocket): Omit<ClientRefusal, 'peer'> | undefined {
  const certificate = socket.getPeerCertificate();
  if (!certificate || Object.keys(certificate).length === 0) return { reason: 'no_certificate', detail: 'no client certificate' };
  if (!socket.authorized) return { reason: 'untrusted_certificate', detail: String(socket.authorizationError ?? 'not verified') };
  const name = peerCommonName(socket);
  return nameAccepted(auth, name) ? undefined : { reason: 'name_not_allowed', detail: name ?? '(no common name)' };
}

/** The common name of the verified client certificate, or undefined when there is none. */
export function peerCommonName(socket: TLSSocket): string | undefined {
  const subject = socket.getPeerCertificate().subject as Record<string, string | string[]> | undefined;
  const cn = subject?.['CN'];
  return Array.isArray(cn) ? cn[0] : cn;
}

/** Whether a verified peer's certificate carries one of the accepted names (always, when no name is listed). */
export function nameAccepted(auth: ClientAuth, commonName: string | undefined): boolean {
  return auth.names.length === 0 || (commonName !== undefined && auth.names.includes(commonName));
}
