// Reads OTLP/JSON metric files: one ExportMetricsServiceRequest per file, or one per line (the collector's file exporter), .gz too.
import { readFile } from 'node:fs/promises';
import { gunzipSync } from 'node:zlib';
import { RiskgateError } from '../riskgate-error.js';

/** One request read from a file, or why it could not be read; `where` is `file` or `file:line`. */
export type OtlpFileRecord = { where: string; request: unknown } | { where: string; error: string };

async function textOf(path: string): Promise<string> {
  let bytes: Buffer;
  try {
    bytes = await readFile(path);
  } catch (error) {
    throw new RiskgateError('METRICS_UNREADABLE', `${path}: cannot read the metrics file (${(error as NodeJS.ErrnoException).code ?? 'EIO'})`);
  }
  if (path.endsWith('.gz')) {
    try {
      bytes = gunzipSync(bytes);
    } catch (error) {
      throw new RiskgateError('METRICS_UNREADABLE', `${path}: not gzip (${(error as Error).message})`);
    }
  }
  return bytes.toString('utf8');
}

/** The requests of one file, in order: the whole file as one JSON document if it is one, JSON lines otherwise. */
export async function readOtlpJsonFile(path: string): Promise<OtlpFileRecord[]> {
  const text = await textOf(path);
  try {
    return [{ where: path, request: JSON.parse(text) as unknown }];
  } catch {
    // Not one document: JSON lines, as the collector's file exporter writes them.
  }
  const records: OtlpFileRecord[] = [];
  text.split('\n').forEach((line, i) => {
    if (line.trim() === '') return;
    const where = `${path}:${i + 1}`;
    try {
      records.push({ where, request: JSON.parse(line) as unknown });
    } catch (error) {
      records.push({ where, error: `not JSON: ${(error as Error).message}` });
    }
  });
  return records;
}
