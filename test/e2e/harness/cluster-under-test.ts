// e2e harness: a control plane with riskgate registered through the chart's render, namespaces and ServiceAccounts made.
import { startControlPlane, type ControlPlane, type ControlPlaneOptions } from './control-plane.js';
import { makeWebhookPki, startRiskgate, type Riskgate, type WebhookPki } from './riskgate-process.js';
import { registerWebhook, renderChart, type ChartRender } from './webhook-registration.js';
import { riskEventsOf, type LoggedRiskEvent } from './risk-event-log.js';
import { waitFor } from './wait-for.js';

export interface ClusterOptions extends ControlPlaneOptions {
  /** Chart values files (test/e2e/fixtures/...) and --set values: the chart's policy and webhook entries. */
  values?: string[];
  set?: string[];
  /** Namespaces to create, each with its `default` ServiceAccount (no controller makes it here). */
  namespaces?: string[];
  /** More `riskgate serve` flags. */
  riskgateArgs?: string[];
}

export interface ClusterUnderTest {
  plane: ControlPlane;
  pki: WebhookPki;
  chart: ChartRender;
  riskgate: Riskgate;
  /** Risk events riskgate has logged so far (its log sink), oldest first. */
  riskEvents(): LoggedRiskEvent[];
  /** Waits until riskgate has logged at least `count` risk events in all, and returns them. */
  waitForRiskEvents(count: number, timeoutMs?: number): Promise<LoggedRiskEvent[]>;
  stop(): Promise<void>;
}

export async function createNamespaces(plane: ControlPlane, namespaces: string[]): Promise<void> {
  for (const ns of namespaces) {
    await plane.kubectl.ok(['create', 'namespace', ns]);
    await plane.kubectl.ok(['create', 'serviceaccount', 'default', '-n', ns]);
  }
}

/** Starts everything; the webhook configuration is applied last and awaited until the API server calls riskgate. */
export async function startClusterUnderTest(options: ClusterOptions = {}): Promise<ClusterUnderTest> {
  const plane = await startControlPlane(options);
  try {
    await createNamespaces(plane, options.namespaces ?? []);
    const pki = makeWebhookPki(plane.dir);
    const chart = renderChart({ dir: plane.dir, values: options.values ?? [], set: options.set ?? [] });
    const riskgate = await startRiskgate({ name: 'riskgate-0', dir: plane.dir, pki, policy: chart.policy, args: options.riskgateArgs ?? [] });
    await registerWebhook(plane.kubectl, chart.webhookConfiguration, riskgate.url, pki.caBundle);
    await waitForWebhookCalls(plane, riskgate);
    const riskEvents = () => riskEventsOf(riskgate);
    return {
      plane,
      pki,
      chart,
      riskgate,
      riskEvents,
      async waitForRiskEvents(count, timeoutMs = 5_000) {
        await waitFor(`${count} risk events`, timeoutMs, async () => riskEvents().length >= count);
        return riskEvents();
      },
      async stop() {
        await riskgate.stop();
        await plane.stop();
      },
    };
  } catch (error) {
    await plane.stop();
    throw error;
  }
}

/**
 * The API server picks a new webhook configuration up asynchronously: send server-side dry-run NodePort creates (no
 * risk event, nothing stored) until riskgate has answered one (its review counter, read from its log of reviews).
 */
export async function waitForWebhookCalls(plane: ControlPlane, riskgate: Riskgate): Promise<void> {
  const before = await riskgate.reviewCount();
  let n = 0;
  await waitFor('the API server to call riskgate', 30_000, async () => {
    await plane.kubectl.run(['create', 'service', 'nodeport', `e2e-probe-${n++}`, '--tcp=80:80', '-n', 'default', '--dry-run=server']);
    return (await riskgate.reviewCount()) > before;
  });
}
