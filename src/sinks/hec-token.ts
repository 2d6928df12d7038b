// Where the HEC token comes from: a file (--hec-token-file, e.g. a mounted Secret) or the RISKGATE_HEC_TOKEN environment variable.
import { readFileSync } from 'node:fs';
import { RiskgateError } from '../riskgate-error.js';

export const HEC_TOKEN_ENV = 'RISKGATE_HEC_TOKEN';

export function readHecToken(tokenFile: string | undefined, env: NodeJS.ProcessEnv): string {
  if (tokenFile !== undefined) {
    let text: string;
    try {
      text = readFileSync(tokenFile, 'utf8');
    } catch (error) {
      throw new RiskgateError('hec-token-unreadable', `--hec-token-file ${tokenFile}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
    }
    const token = text.trim();
    if (!token) throw new RiskgateError('hec-token-empty', `--hec-token-file ${tokenFile} is empty`);
    return token;
  }
  const token = env[HEC_TOKEN_ENV]?.trim();
  if (!token) throw new RiskgateError('hec-token-missing', `--hec-url needs a token: --hec-token-file FILE or the ${HEC_TOKEN_ENV} environment variable`);
  return token;
}
