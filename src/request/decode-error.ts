// The error an adapter raises for input it cannot read: names the field (AdmissionReview) or file:line (manifest, audit log).
import { RiskgateError } from '../riskgate-error.js';

export class DecodeError extends RiskgateError {
  constructor(
    code: string,
    /** `request.uid`, `apiVersion`… or `file:line[:column]`. */
    readonly where: string,
    readonly detail: string,
  ) {
    super(code, where ? `${where}: ${detail}` : detail);
    this.name = 'DecodeError';
  }
}
