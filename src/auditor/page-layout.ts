// The frame of every auditor page: head (stylesheet link, viewport), the header with who is signed in, and the link helper the pages share.
import { escapeHtml } from './html-escape.js';

export function layout(title: string, body: string): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title><link rel="stylesheet" href="auditor.css"></head>
<body>${body}</body></html>
`;
}

export function header(user?: string): string {
  const who = user === undefined ? '' : `<form method="post" action="logout" class="who">signed in as <b>${escapeHtml(user)}</b> <button type="submit">sign out</button></form>`;
  return `<header><h1><a href="./">riskgate: risk events</a></h1>${who}</header>`;
}

/** A relative link to `path` with the query changed (a value of undefined or '' drops the key); escaped for an attribute. */
export function link(path: string, query: URLSearchParams, changes: Record<string, string | undefined> = {}): string {
  const next = new URLSearchParams(query);
  for (const [key, value] of Object.entries(changes)) {
    if (value === undefined || value === '') next.delete(key);
    else next.set(key, value);
  }
  const text = next.toString();
  return escapeHtml(text ? `${path}?${text}` : path);
}
