// Which OTLP receiver addresses may go without authentication: loopback only, unless the user says --otlp-insecure.
import { checkOtlpExposure, isLoopbackHost } from '../../src/otlp/otlp-exposure.js';

describe('isLoopbackHost', () => {
  test.each(['127.0.0.1', '127.1.2.3', '::1', '[::1]', '0:0:0:0:0:0:0:1', 'localhost', 'LOCALHOST', '::ffff:127.0.0.1'])('%s is loopback', (host) => {
    expect(isLoopbackHost(host)).toBe(true);
  });
  test.each(['0.0.0.0', '::', '10.0.0.7', '128.0.0.1', 'riskgate.example.com', 'localhost.example.com', '::2', '::ffff:10.0.0.1'])('%s is not', (host) => {
    expect(isLoopbackHost(host)).toBe(false);
  });
});

describe('checkOtlpExposure', () => {
  test('an authenticated receiver may listen anywhere', () => {
    expect(() => checkOtlpExposure({ host: '0.0.0.0', authenticated: true, insecure: false })).not.toThrow();
  });
  test('an unauthenticated one on loopback is allowed, elsewhere only with --otlp-insecure', () => {
    expect(() => checkOtlpExposure({ host: '127.0.0.1', authenticated: false, insecure: false })).not.toThrow();
    expect(() => checkOtlpExposure({ host: '0.0.0.0', authenticated: false, insecure: true })).not.toThrow();
    expect(() => checkOtlpExposure({ host: '0.0.0.0', authenticated: false, insecure: false })).toThrow(
      expect.objectContaining({ code: 'OTLP_UNAUTHENTICATED', message: expect.stringContaining('--otlp-insecure') }),
    );
  });
});
