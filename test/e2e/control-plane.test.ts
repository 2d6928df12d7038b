// e2e: the harness itself: a real API server answers kubectl, token users are who they say, a ServiceAccount token works.
import { afterAll, beforeAll, expect, test } from '@jest/globals';
import { startControlPlane, type ControlPlane } from './harness/control-plane.js';

let plane: ControlPlane;
beforeAll(async () => {
  plane = await startControlPlane();
});
afterAll(async () => {
  await plane?.stop();
});

test('kubectl reaches the real API server as admin and as static-token users', async () => {
  expect(await plane.kubectl.ok(['version', '-o', 'json'])).toContain('v1.32');
  const whoami = await plane.kubectl.ok(['auth', 'whoami', '-o', 'jsonpath={.status.userInfo.username} {.status.userInfo.groups}'], { context: 'as-alice@example.com' });
  expect(whoami).toContain('alice@example.com');
  expect(whoami).toContain('developers');
});
