// Settings: API keys (create with the plaintext shown once, revoke, roll), the incoming-webhook keys (Moja
// auth key, runtime key pair) with rotate, and the plan's limits.
import { api, get, post, type Json } from '../api';
import { action, badge, field, form, h, replace, secretOnce, table, when } from '../dom';

export async function settingsPage(root: HTMLElement) {
  const [account, keys] = await Promise.all([get('/v1/account'), get('/v1/api_keys')]);
  const reload = () => settingsPage(root);
  const shown = h('div', { role: 'status', id: 'secret-shown' });
  const limits: Record<string, number> = account.effective_limits;
  const show = (node: Node) => {
    replace(shown, node);
    shown.scrollIntoView({ block: 'nearest' });
  };

  replace(
    root,
    h('h1', {}, 'Settings'),
    shown,
    h('h2', {}, 'API keys'),
    table(
      [
        ['name', (k: Json) => k.name ?? '—'],
        ['key', (k: Json) => h('code', {}, k.redacted)],
        ['status', (k: Json) => badge(k.status)],
        ['created', (k: Json) => when(k.created_at)],
        ['last used', (k: Json) => when(k.last_used_at)],
        ['expires', (k: Json) => when(k.expires_at)],
        [
          '',
          (k: Json) =>
            k.status === 'active'
              ? h(
                  'div',
                  { class: 'row' },
                  action(
                    'Roll',
                    async () => {
                      const r = await post(`/v1/api_keys/${k.id}/roll`, {});
                      await reload();
                      document
                        .getElementById('secret-shown')
                        ?.replaceChildren(
                          secretOnce(
                            `Replacement for ${k.redacted}; the old key works until ${when(r.replaces.expires_at)}`,
                            r.key,
                          ),
                        );
                    },
                    'secondary',
                  ),
                  action(
                    `Revoke`,
                    async () => {
                      if (!confirm(`Revoke ${k.redacted}? Programs using it stop working at once.`)) return;
                      await api('DELETE', `/v1/api_keys/${k.id}`);
                      await reload();
                    },
                    'danger',
                  ),
                )
              : '',
        ],
      ],
      keys.data,
    ),
    form(
      'Create an API key',
      [field('Name', 'name', { placeholder: 'production server' })],
      'Create key',
      async (d) => {
        const made = await post('/v1/api_keys', { name: String(d.get('name') ?? '') || null });
        await reload();
        document
          .getElementById('secret-shown')
          ?.replaceChildren(secretOnce(`New API key ${made.name ?? ''}`, made.key));
      },
    ),
    h('h2', {}, 'Incoming webhook keys'),
    h(
      'p',
      { class: 'muted' },
      'Lead data (POST /call-data) uses the webhook auth key; voice-runtime events use the ingest key pair. Rotating replaces the old key at once.',
    ),
    h(
      'div',
      { class: 'row' },
      action(
        'Rotate webhook auth key',
        async () => {
          const r = await post('/v1/account/credentials/webhook_auth_key/rotate');
          show(secretOnce('New webhook auth key', r.webhook_auth_key));
        },
        'secondary',
      ),
      action(
        'Rotate ingest key pair',
        async () => {
          const r = await post('/v1/account/credentials/ingest_keys/rotate');
          show(
            secretOnce(
              'New ingest keys (x-public-key / x-private-key)',
              `${r.ingest_public_key} / ${r.ingest_private_key}`,
            ),
          );
        },
        'secondary',
      ),
    ),
    h('h2', {}, 'Plan and limits'),
    h('p', {}, `${account.name} · plan `, h('strong', {}, account.plan), ` · time zone ${account.timezone}`),
    table(
      [
        ['limit', ([k]: [string, number]) => k.replaceAll('_', ' ')],
        ['value', ([, v]: [string, number]) => v],
      ],
      Object.entries(limits),
    ),
  );
}
