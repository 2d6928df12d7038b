// The sign-in page (also every refusal a browser sees): a bearer-token form and how to get a token.
import { escapeHtml } from './html-escape.js';
import { header, layout } from './page-layout.js';

export function renderSignIn(message: string): string {
  const body = `${header()}<main>
<p class="notice" id="sign-in-message">${escapeHtml(message)}</p>
<form method="post" action="login" id="sign-in"><label>bearer token <input type="password" name="token" autocomplete="off" size="60" required></label>
<button type="submit">sign in</button></form>
<p>Use a Kubernetes token (<code>kubectl create token NAME</code>) allowed to <code>list riskevents.riskgate.io</code>, or the static token of <code>--auditor-token-file</code>. API clients send <code>Authorization: Bearer TOKEN</code>.</p></main>`;
  return layout('riskgate: sign in', body);
}
