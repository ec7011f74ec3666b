// The dashboard's HTML shell, rendered by the Worker with hono/jsx. Each page's content is drawn by the
// bundled client script (src/dashboard/client) from the public API, so the dashboard has no private routes.
import type { Child } from 'hono/jsx';

export const PAGES = [
  ['overview', 'Overview'],
  ['calls', 'Calls'],
  ['live', 'Live'],
  ['agents', 'Agents & numbers'],
  ['batches', 'Batches'],
  ['whatsapp', 'WhatsApp'],
  ['webhooks', 'Webhooks'],
  ['rtb', 'RTB'],
  ['reporting', 'Reporting AI'],
  ['settings', 'Settings'],
] as const;
export type PageName = (typeof PAGES)[number][0] | 'call';

function Document(props: { title: string; csrf?: string; children: Child }) {
  return (
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        {props.csrf ? <meta name="csrf-token" content={props.csrf} /> : null}
        <title>{props.title} · callplane</title>
        <link rel="stylesheet" href="/assets/dashboard.css" />
      </head>
      <body>{props.children}</body>
    </html>
  );
}

export function Shell(props: { page: PageName; title: string; csrf: string; account: string; id?: string }) {
  const current = props.page === 'call' ? 'calls' : props.page;
  return (
    <Document title={props.title} csrf={props.csrf}>
      <a class="skip" href="#app">
        Skip to content
      </a>
      <header class="top">
        <a class="brand" href="/dashboard">
          callplane
        </a>
        <span class="account">{props.account}</span>
        <form method="post" action="/dashboard/sign_out" class="signout">
          <input type="hidden" name="_csrf" value={props.csrf} />
          <button type="submit">Sign out</button>
        </form>
      </header>
      <div class="frame">
        <nav aria-label="Dashboard">
          {PAGES.map(([name, label]) => (
            <a
              href={name === 'overview' ? '/dashboard' : `/dashboard/${name}`}
              aria-current={name === current ? 'page' : undefined}
            >
              {label}
            </a>
          ))}
          <a href="/docs">API reference</a>
        </nav>
        <main id="app" tabindex={-1} data-page={props.page} data-id={props.id}>
          <h1>{props.title}</h1>
          <p class="muted">Loading…</p>
          <noscript>
            The dashboard needs JavaScript; the same operations are in the API reference at /docs.
          </noscript>
        </main>
      </div>
      <script src="/assets/dashboard.js" defer />
    </Document>
  );
}

export function SignIn(props: { error?: string; clerk: boolean; enabled: boolean }) {
  return (
    <Document title="Sign in">
      <main class="signin">
        <h1>Sign in to callplane</h1>
        {props.enabled ? (
          <form method="post" action="/dashboard/sign_in">
            <label for="api_key">API key</label>
            <input
              id="api_key"
              name="api_key"
              type="password"
              autocomplete="off"
              placeholder="sk_test_…"
              required
              autofocus
            />
            <button type="submit">Sign in</button>
            <p class="muted">
              Local: <code>npm run dev</code> prints the demo account's key. The key is exchanged for a
              session cookie; it is not stored in the browser.
            </p>
          </form>
        ) : (
          <p class="error">Sign-in with an API key is off: set the SESSION_SECRET secret.</p>
        )}
        {props.error ? (
          <p class="error" role="alert">
            {props.error}
          </p>
        ) : null}
        {props.clerk ? (
          <p class="muted">With Clerk, POST your Clerk session token as clerk_token to /dashboard/sign_in.</p>
        ) : null}
      </main>
    </Document>
  );
}
