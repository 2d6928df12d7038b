// Where HEC lives: the event and ack URLs derived from --hec-url (a base URL or the full /services/collector/event URL).
import { RiskgateError } from '../riskgate-error.js';

export interface HecEndpoint {
  event: URL;
  ack: URL;
  health: URL;
}

const COLLECTOR_PATHS = ['/services/collector/event/1.0', '/services/collector/event', '/services/collector'];

export function hecEndpoint(raw: string): HecEndpoint {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new RiskgateError('hec-url-invalid', `--hec-url ${JSON.stringify(raw)} is not a URL (expected e.g. https://splunk.example:8088)`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new RiskgateError('hec-url-invalid', `--hec-url ${raw}: the scheme must be https: or http:`);
  }
  const path = url.pathname.replace(/\/+$/, '');
  const collector = COLLECTOR_PATHS.find((p) => path.endsWith(p));
  const base = collector ? path.slice(0, path.length - collector.length) : path;
  const at = (suffix: string): URL => new URL(`${url.origin}${base}${suffix}`);
  return { event: at('/services/collector/event'), ack: at('/services/collector/ack'), health: at('/services/collector/health') };
}
