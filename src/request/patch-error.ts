// The error of a patch that cannot be applied to the remembered object (the API server would have refused it too).
import { RiskgateError } from '../riskgate-error.js';

export class PatchError extends RiskgateError {
  constructor(message: string) {
    super('PATCH_NOT_APPLICABLE', message);
    this.name = 'PatchError';
  }
}
