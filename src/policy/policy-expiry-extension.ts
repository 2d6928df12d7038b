// `serve`: warns in its log of exemption blocks ending within 14 days (at start-up, on each policy change and daily) and notes each end as it passes.
import type { ServeContext, ServeExtension } from '../cli/serve-extension.js';
import { rfc3339 } from '../engine/exemption-text.js';
import { expiryNotices, noticeText } from '../engine/policy-expiry.js';
import type { Policy } from '../engine/policy.js';
import { ExpiryTimer } from './expiry-timer.js';

const DAY_MS = 24 * 60 * 60 * 1000;

function warn(context: ServeContext, policy: Policy): void {
  const now = new Date();
  for (const notice of expiryNotices(policy, now)) {
    context.logger.warn(
      { file: notice.block.where, rule: notice.scope, expires: rfc3339(notice.expires), ...(notice.block.reason !== undefined ? { reason: notice.block.reason } : {}), detail: noticeText(notice, now) },
      notice.ended ? 'exemption block has ended' : 'exemption block ends soon',
    );
  }
}

export const policyExpiryExtension: ServeExtension = {
  name: 'policy expiry',
  start(context) {
    warn(context, context.policy());
    const daily = setInterval(() => warn(context, context.policy()), DAY_MS);
    daily.unref();
    const ends = new ExpiryTimer(
      () => context.policy(),
      (ended) => context.logger.info({ expires: rfc3339(ended) }, 'exemption block ended: it no longer applies'),
    );
    ends.arm();
    context.onPolicyChange((policy) => {
      warn(context, policy);
      ends.arm();
    });
    context.onShutdown('policy expiry', () => {
      clearInterval(daily);
      ends.stop();
    });
  },
};
