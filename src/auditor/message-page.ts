// A page that only says something to a signed-in viewer (no such event, a filter that does not parse), with the way back.
import { escapeHtml } from './html-escape.js';
import { header, layout } from './page-layout.js';

export function renderMessage(user: string, message: string): string {
  return layout('riskgate risk events', `${header(user)}<main><p class="notice" id="message">${escapeHtml(message)}</p><p><a href="./">« back to the events</a></p></main>`);
}
