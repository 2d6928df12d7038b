// The options of serve's OTLP receiver (commander's camelCase names), shared by its option list and its work.
export interface OtlpServeOptions {
  otlpPort?: number;
  otlpHost?: string;
  otlpTokenFile?: string;
  otlpClientCa?: string;
  otlpInsecure?: boolean;
  host: string;
  dataDir?: string;
  baselineWindow?: string;
  warmup?: string;
  shells?: string;
  baselineMaxClusters?: string;
  baselineMaxEdges?: string;
}
