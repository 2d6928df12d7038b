// The list of `serve` extensions, in start-up order; add yours with a one-line push (the module must stay light to import).
import type { ServeExtension } from './serve-extension.js';
import { admissionPortExtension } from './admission-port-extension.js';
import { manageCertsExtension } from '../cluster/manage-certs-extension.js';
import { riskEventsServeExtension } from '../sinks/risk-events-serve-extension.js';
import { otlpServeExtension } from '../otlp/otlp-serve-extension.js';
import { policyExpiryExtension } from '../policy/policy-expiry-extension.js';
import { vapServeExtension } from '../vap/vap-serve-extension.js';

export const serveExtensions: ServeExtension[] = [];
serveExtensions.push(admissionPortExtension);
serveExtensions.push(manageCertsExtension);
serveExtensions.push(riskEventsServeExtension);
serveExtensions.push(otlpServeExtension);
serveExtensions.push(policyExpiryExtension);
serveExtensions.push(vapServeExtension);
