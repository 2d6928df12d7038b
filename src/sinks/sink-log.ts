// The logger shape sinks write to: pino's Logger fits it, tests pass a recording one.
export interface SinkLog {
  info(fields: object, message: string): void;
  warn(fields: object, message: string): void;
  error(fields: object, message: string): void;
}

export const SILENT_LOG: SinkLog = { info: () => {}, warn: () => {}, error: () => {} };
