// Finds a mapping or list used as a key in a YAML document (what an unrendered `{{ … }}` template gives) before it is converted to a plain object.
import { isCollection, isPair, visit } from 'yaml';
import type { Document } from 'yaml';
import { clipText } from './field-name.js';

export interface CollectionKeyProblem {
  offset: number;
  message: string;
}

/** The offset of the first key that is a mapping or a list, or undefined. Kubernetes objects have string keys only. */
function collectionKeyOffset(doc: Document.Parsed): number | undefined {
  let found: number | undefined;
  visit(doc, {
    Pair(_, pair) {
      if (!isPair(pair) || !isCollection(pair.key)) return undefined;
      found = pair.key.range?.[0] ?? 0;
      return visit.BREAK;
    },
  });
  return found;
}

/**
 * A collection key in `doc`, named as an unrendered template expression when it is one (`{{ x }}` reads as a flow
 * mapping whose key is the flow mapping `{ x }`), else as what it is; undefined when every key is a scalar.
 */
export function collectionKeyProblem(doc: Document.Parsed, text: string): CollectionKeyProblem | undefined {
  const offset = collectionKeyOffset(doc);
  if (offset === undefined) return undefined;
  const start = text[offset - 1] === '{' ? offset - 1 : offset;
  const template = /^\{\{[^\n]*?\}\}/.exec(text.slice(start, start + 300));
  if (template) {
    return { offset: start, message: `unrendered template expression ${clipText(template[0], 80)}: render the chart or template first (e.g. helm template CHART | riskgate check -)` };
  }
  return { offset, message: 'a mapping or list used as a key: Kubernetes objects have string keys only' };
}
