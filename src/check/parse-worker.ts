// Worker thread of parallel-parse.ts: YAML-parses its share of the manifest texts and posts the results back.
import { parentPort, workerData } from 'node:worker_threads';
import { parseManifestText } from '../request/manifest-documents.js';

parentPort?.postMessage((workerData as string[]).map(parseManifestText));
