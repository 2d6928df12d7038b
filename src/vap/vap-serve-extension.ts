// `serve --vap`: the serve extension that applies the deny rules as ValidatingAdmissionPolicies (options here, work in vap-sync.ts).
import type { ServeExtension } from '../cli/serve-extension.js';

export const vapServeExtension: ServeExtension = {
  name: 'vap',
  addOptions(command) {
    command.option(
      '--vap',
      'apply the deny rules as ValidatingAdmissionPolicies (Kubernetes 1.30+), owned by --webhook-config, at start-up, on each policy change and when an exemption block ends',
    );
  },
  async start(context) {
    if (!context.options['vap']) return;
    const webhookConfig = typeof context.options['webhookConfig'] === 'string' ? context.options['webhookConfig'] : 'riskgate';
    const { startVapSync } = await import('./vap-sync.js');
    await startVapSync(context, webhookConfig);
  },
};
