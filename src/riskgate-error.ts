// The typed error every layer throws: a stable code for programs and a human message for people.
export class RiskgateError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'RiskgateError';
  }
}
