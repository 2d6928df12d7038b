// Wire types: the OTLP ExportMetricsServiceRequest in its JSON shape, which the protobuf decoder's messages share.
/**
 * Only the parts riskgate reads; unknown fields are ignored, as OTLP receivers must. 64-bit integers arrive as
 * decimal strings in OTLP/JSON, but numbers are accepted too. Protobuf payloads are read as the generated decoder's
 * messages, without converting them: the same field names, unset fields null, 64-bit integers as `long` Longs.
 */
export type Int64 = string | number | LongBits;

/** A 64-bit integer as protobufjs decodes it (a `long` Long): two 32-bit halves. */
export interface LongBits {
  low: number;
  high: number;
  unsigned: boolean;
}

export interface OtlpAnyValue {
  stringValue?: string;
  boolValue?: boolean;
  intValue?: Int64;
  doubleValue?: number | string;
  arrayValue?: { values?: OtlpAnyValue[] };
  kvlistValue?: { values?: OtlpKeyValue[] };
  bytesValue?: string;
}

export interface OtlpKeyValue {
  key: string;
  value?: OtlpAnyValue;
}

export interface OtlpNumberDataPoint {
  attributes?: OtlpKeyValue[];
  startTimeUnixNano?: Int64;
  timeUnixNano?: Int64;
  asDouble?: number | string;
  asInt?: Int64;
  /** Bit 0: no recorded value (a staleness marker). */
  flags?: number;
}

export interface OtlpMetric {
  name: string;
  unit?: string;
  gauge?: { dataPoints?: OtlpNumberDataPoint[] };
  sum?: { dataPoints?: OtlpNumberDataPoint[]; aggregationTemporality?: number; isMonotonic?: boolean };
}

export interface OtlpScopeMetrics {
  scope?: { name?: string; version?: string; attributes?: OtlpKeyValue[] };
  metrics?: OtlpMetric[];
}

export interface OtlpResourceMetrics {
  resource?: { attributes?: OtlpKeyValue[] };
  scopeMetrics?: OtlpScopeMetrics[];
}

export interface OtlpMetricsRequest {
  resourceMetrics?: OtlpResourceMetrics[];
}
