// Paged LIST of one resource (limit + continue, as kubectl pages): yields the items of each page as the API server sent them.
import type { JsonObject } from '../request/json-value.js';
import { isJsonObject } from '../request/json-value.js';
import type { LiveResource } from '../request/from-live-object.js';
import { RiskgateError } from '../riskgate-error.js';
import { refusal, unreachable } from './api-refusal.js';
import { listPath, resourceName } from './audit-targets.js';
import type { KubeCaller } from './kube-api.js';

/** kubectl's default --chunk-size. */
export const DEFAULT_PAGE_SIZE = 500;

export interface ListScope {
  /** undefined: all namespaces. */
  namespace?: string;
  pageSize?: number;
  /** Names the credentials in a 401 message, e.g. `context kind-dev`. */
  credentials: string;
}

export function listDescription(target: LiveResource, namespace: string | undefined): string {
  const where = !target.namespaced ? 'the cluster' : namespace === undefined ? 'all namespaces' : `namespace ${namespace}`;
  return `list ${resourceName(target)} in ${where}`;
}

interface ListBody {
  items: JsonObject[];
  continueToken: string;
}

function listBody(body: unknown): ListBody | undefined {
  if (!isJsonObject(body)) return undefined;
  const { items, metadata } = body;
  if (!Array.isArray(items)) return undefined;
  const continueToken = isJsonObject(metadata) && typeof metadata['continue'] === 'string' ? metadata['continue'] : '';
  return { items: items.filter(isJsonObject), continueToken };
}

/** Every page of the LIST; a refusal or an unreachable API server throws a RiskgateError naming the LIST. */
export async function* listPages(api: KubeCaller, target: LiveResource, scope: ListScope): AsyncGenerator<JsonObject[]> {
  const what = listDescription(target, scope.namespace);
  const base = listPath(target, scope.namespace);
  let continueToken = '';
  do {
    const query = new URLSearchParams({ limit: String(scope.pageSize ?? DEFAULT_PAGE_SIZE) });
    if (continueToken) query.set('continue', continueToken);
    let response;
    try {
      response = await api.call('GET', `${base}?${query.toString()}`);
    } catch (error) {
      throw unreachable(what, error);
    }
    if (response.status === 410) throw new RiskgateError('KUBE_LIST_EXPIRED', `${what}: the list expired while it was being paged (410 Gone); run the audit again`);
    if (response.status !== 200) throw refusal(what, response, scope.credentials);
    const page = listBody(response.body);
    if (!page) throw new RiskgateError('KUBE_BAD_LIST', `${what}: the API server's answer is not a list`);
    yield page.items;
    continueToken = page.continueToken;
  } while (continueToken);
}
