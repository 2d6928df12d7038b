// The options of serve's risk-event delivery and viewing (commander's camelCase names), shared by its option list and its work.
export interface RiskEventsServeOptions {
  dataDir?: string;
  hecUrl?: string;
  hecTokenFile?: string;
  hecIndex?: string;
  hecSource: string;
  hecAck?: boolean;
  hecCaFile?: string;
  /** Accept an http:// --hec-url (token and events in clear text). */
  hecInsecure?: boolean;
  spoolMaxMb: number;
  spoolWhenFull?: 'refuse' | 'drop-oldest';
  /** Default (from the CLI): 64. */
  archiveMaxMb?: number;
  k8sEvents?: Array<'deny' | 'warn'>;
  metricsPort?: number;
  auditorPort?: number;
  auditorTokenFile?: string;
  auditorAudience?: string[];
  auditorPeersService?: string;
  auditorPeer?: string[];
  auditorPeerTimeout?: number;
  host: string;
}
