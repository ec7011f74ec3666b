// End to end, outside the Worker: a real `wrangler dev`, a real HTTP receiver verifying every delivery
// with the standardwebhooks package, the seed curl examples exactly as the seeds show them, and every
// other API call through the typed client (client/index.ts), so this file only typechecks while the
// OpenAPI document matches what it sends and reads. Run by test/e2e/start.mjs (`npm run e2e`).
import { execFileSync } from 'node:child_process';
import http from 'node:http';
import { Webhook } from 'standardwebhooks';
import { ADMIN_TOKEN, startServer } from '../../bench/lib/server.mjs';
import { createCallplaneClient, ok } from '../../client/index';

/** A webhook body as delivered (parsed JSON from the receiver, not from the typed client). */
interface Delivered {
  id: string;
  type: string;
  created_at: number;
  data: { call?: { id: string; summary?: string | null; recording_url?: string | null } };
}

const RECEIVER_PORT = Number(process.env.E2E_RECEIVER_PORT ?? 8796);
let passed = 0,
  failed = 0;
function check(name: string, pass: unknown, detail = '') {
  if (pass) {
    passed++;
    console.log(`  ✓ ${name}`);
  } else {
    failed++;
    console.log(`  ✗ ${name} ${detail}`);
  }
}

const received: { headers: http.IncomingHttpHeaders; body: string }[] = [];
const receiver = http.createServer((req, res) => {
  let body = '';
  req.on('data', (c) => {
    body += c;
  });
  req.on('end', () => {
    received.push({ headers: req.headers, body });
    res.writeHead(200).end('ok');
  });
});
await new Promise<void>((r) => receiver.listen(RECEIVER_PORT, '127.0.0.1', r));

const server = await startServer({
  port: Number(process.env.E2E_PORT ?? 8795),
  vars: { SIMULATOR_TIME_SCALE: '0.02', ALLOW_PRIVATE_WEBHOOK_URLS: 'true', WEBHOOK_RETRY_SCALE: '0.001' },
});
const waitFor = async <T>(fn: () => T | Promise<T>, ms = 30_000): Promise<T | null> => {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    const v = await fn();
    if (v) return v;
    await new Promise((r) => setTimeout(r, 100));
  }
  return null;
};

try {
  console.log('e2e: webhooks from real calls');
  const admin = createCallplaneClient(server.base, ADMIN_TOKEN);
  const made = await ok(admin.POST('/admin/accounts', { body: { name: 'E2E', plan: 'business' } }));
  const key = made.api_key;
  const cp = createCallplaneClient(server.base, key);
  const agent = await ok(
    cp.POST('/v1/agents', {
      body: {
        name: 'E2E agent',
        prompt: 'Confirm the appointment for {{name}}.',
        first_message: 'Hello {{name}}',
      },
    }),
  );
  const endpoint = await ok(
    cp.POST('/v1/webhook_endpoints', { body: { url: `http://127.0.0.1:${RECEIVER_PORT}/hook` } }),
  );
  // The schema marks `secret` optional (it is absent from reads); the create answer must carry it.
  if (!endpoint.secret) throw new Error(`POST /v1/webhook_endpoints answered without a secret`);
  const wh = new Webhook(endpoint.secret);

  const normal = await ok(
    cp.POST('/v1/call', {
      body: {
        agent_id: agent.id,
        recipient_phone: '+14155550177',
        variables: { name: 'Ada' },
        metadata: { simulate: { talk_seconds: 65 } },
      },
    }),
  );
  const busy = await ok(
    cp.POST('/v1/call', { body: { agent_id: agent.id, recipient_phone: '+15005550002' } }),
  );

  const eventsFor = (id: string): Delivered[] =>
    received
      .map((r): Delivered | null => {
        try {
          return JSON.parse(r.body);
        } catch {
          return null;
        }
      })
      .filter((e): e is Delivered => e?.data?.call?.id === id);
  await waitFor(
    () =>
      eventsFor(normal.call_id).some((e) => e.type === 'call.completed') &&
      eventsFor(busy.call_id).some((e) => e.type === 'call.failure'),
  );

  let verified = 0,
    bad = 0;
  for (const r of received) {
    try {
      const header = (name: string) => String(r.headers[name] ?? '');
      wh.verify(r.body, {
        'webhook-id': header('webhook-id'),
        'webhook-timestamp': header('webhook-timestamp'),
        'webhook-signature': header('webhook-signature'),
      });
      verified++;
    } catch {
      bad++;
    }
  }
  check(
    'every delivery verifies with standardwebhooks',
    bad === 0 && verified > 0,
    `(${verified} ok, ${bad} bad)`,
  );
  const expected = [
    'call.connected',
    'call.on_5_secs_mark',
    'call.on_15_secs_mark',
    'call.on_30_secs_mark',
    'call.on_45_secs_mark',
    'call.on_60_secs_mark',
    'call.hangup',
    'call.completed',
  ];
  // Deliveries run in parallel, so arrival order may differ; creation order (event ids sort by time) must not.
  const normalEvents = eventsFor(normal.call_id).sort(
    (a, b) => a.created_at - b.created_at || (a.id < b.id ? -1 : 1),
  );
  const types = [...new Set(normalEvents.map((e) => e.type))];
  check(
    'normal call: full event sequence arrived',
    expected.every((t) => types.includes(t)) && types.length === expected.length,
    JSON.stringify(types),
  );
  const listed = await ok(
    cp.GET('/v1/events', { params: { query: { call_id: normal.call_id, limit: 100 } } }),
  );
  check(
    'normal call: recorded in order',
    JSON.stringify(listed.data.map((e) => e.type).reverse()) === JSON.stringify(expected),
    JSON.stringify(listed.data.map((e) => e.type).reverse()),
  );
  const completed = normalEvents.find((e) => e.type === 'call.completed');
  check(
    'call.completed carries summary and recording URL',
    !!completed?.data.call?.summary && !!completed?.data.call?.recording_url,
  );
  check(
    'busy call: call.failure only',
    JSON.stringify(eventsFor(busy.call_id).map((e) => e.type)) === '["call.failure"]',
  );
  const ids = received.map((r) => r.headers['webhook-id']);
  check('one delivery per event (no duplicates)', new Set(ids).size === ids.length);

  console.log('e2e: redials and quiet hours (issue #17)');
  {
    const redialed = await ok(
      cp.POST('/v1/call', {
        body: {
          agent_id: agent.id,
          recipient_phone: '+15005550002',
          redial: { busy: { attempts: 1, after_seconds: 30 } },
        },
      }),
    );
    const scheduledEvent = (await waitFor(() =>
      received
        .map((r) => JSON.parse(r.body))
        .find((e) => e.type === 'call.redial_scheduled' && e.data?.call?.id === redialed.call_id),
    )) as { data: { call: { ended_at: number }; redial: { call_id: string; scheduled_at: number } } } | null;
    check(
      'single call: call.redial_scheduled delivered with the time',
      !!scheduledEvent && scheduledEvent.data.redial.scheduled_at === scheduledEvent.data.call.ended_at + 30,
      JSON.stringify(scheduledEvent?.data.redial),
    );
    const next = scheduledEvent
      ? await ok(cp.GET('/v1/calls/{id}', { params: { path: { id: scheduledEvent.data.redial.call_id } } }))
      : null;
    check(
      'single call: the redial is a scheduled call, attempt 2 of the same recipient',
      next?.status === 'scheduled' && next.attempt === 2 && next.first_call_id === redialed.call_id,
      JSON.stringify(next && { status: next.status, attempt: next.attempt }),
    );
    if (next) await ok(cp.POST('/v1/calls/{id}/cancel', { params: { path: { id: next.id } } }));

    const qa = await ok(admin.POST('/admin/accounts', { body: { name: 'E2E quiet', plan: 'business' } }));
    const q = createCallplaneClient(server.base, qa.api_key);
    const qAgent = await ok(q.POST('/v1/agents', { body: { name: 'Quiet', prompt: 'Hello.' } }));
    const nyParts = new Intl.DateTimeFormat('en-US', {
      timeZone: 'America/New_York',
      hourCycle: 'h23',
      hour: 'numeric',
      minute: 'numeric',
    }).formatToParts(new Date());
    const ny =
      Number(nyParts.find((p) => p.type === 'hour')?.value) * 60 +
      Number(nyParts.find((p) => p.type === 'minute')?.value);
    const hhmm = (m: number) => {
      const x = ((m % 1440) + 1440) % 1440;
      return `${String(Math.floor(x / 60)).padStart(2, '0')}:${String(x % 60).padStart(2, '0')}`;
    };
    // Open for an hour either side of now in New York: Los Angeles (three hours behind) is outside.
    await ok(q.PUT('/v1/account/quiet_hours', { body: { start: hhmm(ny - 60), end: hhmm(ny + 60) } }));
    const refused = await q.POST('/v1/call', {
      body: { agent_id: qAgent.id, recipient_phone: '+12135550161' },
    });
    check(
      'quiet hours: a call outside them in the recipient zone is 422 naming recipient_phone',
      refused.response.status === 422 && refused.error?.error.param === 'recipient_phone',
      `${refused.response.status}`,
    );
    const later = await ok(
      q.POST('/v1/call', {
        body: { agent_id: qAgent.id, recipient_phone: '+12135550162', when_closed: 'schedule' },
      }),
    );
    check('quiet hours: when_closed schedule queues it as scheduled', later.status === 'scheduled');
    const inside = await ok(
      q.POST('/v1/call', { body: { agent_id: qAgent.id, recipient_phone: '+12125550163' } }),
    );
    check('quiet hours: New York, inside them, is dialled now', inside.status === 'queued');
    await ok(q.DELETE('/v1/account/quiet_hours'));
  }

  console.log('e2e: seed examples with curl (host and key changed)');
  // Seed examples are untyped on purpose: they check the wire format the seeds promise, byte for byte.
  // biome-ignore lint/suspicious/noExplicitAny: parsed JSON from a curl the seed shows.
  const curl = (...args: string[]): any =>
    JSON.parse(execFileSync('curl', ['-s', ...args], { encoding: 'utf8' }));
  const H = ['-H', `Authorization: Bearer ${key}`];
  const J = ['-H', 'Content-Type: application/json'];
  const call = curl(
    '-X',
    'POST',
    `${server.base}/v1/call`,
    ...H,
    ...J,
    '-d',
    JSON.stringify({
      agent_id: agent.id,
      recipient_phone: '+919876543210',
      variables: { name: 'Rahul', appointment_time: 'Tomorrow at 3 PM' },
    }),
  );
  check(
    'Movoice POST /call',
    /^call_/.test(call.call_id) &&
      call.recipient_phone === '+919876543210' &&
      typeof call.created_at === 'number',
    JSON.stringify(call),
  );
  const list = curl(`${server.base}/v1/calls`, ...H);
  check('Movoice GET /calls', Array.isArray(list.data) && list.data.length >= 3);
  const one = curl(`${server.base}/v1/calls/${call.call_id}`, ...H);
  check('Movoice GET /calls/{id}', one.id === call.call_id && 'transcript' in one && 'recording_url' in one);
  check(
    'Movoice GET /agents',
    curl(`${server.base}/v1/agents`, ...H).data.some((x: { id: string }) => x.id === agent.id),
  );
  const patched = curl(
    '-X',
    'PATCH',
    `${server.base}/v1/agents/${agent.id}`,
    ...H,
    ...J,
    '-d',
    JSON.stringify({ prompt: 'Updated system prompt...', voice_id: 'sarvam_hindi_female_01' }),
  );
  check('Movoice PATCH /agents/{id}', patched.voice_id === 'sarvam_hindi_female_01');
  check(
    'Movoice GET /agents/{id}',
    curl(`${server.base}/v1/agents/${agent.id}`, ...H).prompt === 'Updated system prompt...',
  );
  for (const path of ['/v1/calls/initiate', '/api/v1/calls/initiate']) {
    const init = curl(
      '-X',
      'POST',
      `${server.base}${path}`,
      ...H,
      ...J,
      '-d',
      JSON.stringify({
        agent_id: agent.id,
        to_number: '+2348012345678',
        metadata: { customer_name: 'Adebayo', order_status: 'Shipped' },
      }),
    );
    check(
      `CallAI POST ${path}`,
      init.status === 'success' && /^call_/.test(init.data.call_id) && init.data.status === 'queued',
      JSON.stringify(init),
    );
  }

  console.log('e2e: incoming webhooks (Moja and Miraiminds seed curls)');
  const moja = curl(
    '-X',
    'POST',
    `${server.base}/call-data?moja_auth_key=${made.webhook_auth_key}`,
    ...J,
    '-d',
    '{\n"caller_id": "+15551234567",\n"lead_score": 85,\n"customer_name": "John Doe",\n"custom_data": {\n"source": "landing_page",\n"campaign": "q1_promo"\n}\n}',
  );
  check(
    'Moja POST /call-data',
    moja.success === true && moja.caller_id === '+15551234567',
    JSON.stringify(moja),
  );
  const seedPayload = {
    call: {
      id: 'call_123456',
      status: 'initiate',
      startedAt: '2023-11-07T05:31:56Z',
      endedAt: '2023-11-07T05:31:56Z',
      recordingUrl: '<string>',
      detailUrl: '<string>',
      durationSeconds: 45,
    },
    analysis: {
      success: true,
      summary: 'User expressed interest but requested a callback later.',
      requiredActions: ['<string>'],
      insights: { interested: true, callback_requested: true },
    },
    credits: { used: 1.5, available: 98.5 },
    report: { reAttemptCount: 123, rescheduledCount: 123 },
  };
  const mirai = execFileSync(
    'curl',
    [
      '-s',
      '--request',
      'POST',
      '--url',
      `${server.base}/v2/webhooks/call-events`,
      '--header',
      'Content-Type: application/json',
      '--header',
      `x-private-key: ${made.ingest_private_key}`,
      '--header',
      `x-public-key: ${made.ingest_public_key}`,
      '--data',
      JSON.stringify({ event: { type: 'call.initiate', data: seedPayload, ...seedPayload } }, null, 1),
    ],
    { encoding: 'utf8' },
  );
  check('Miraiminds POST /v2/webhooks/call-events', mirai === 'Event received', mirai);

  console.log('e2e: batch and WhatsApp seed curls');
  const batch = curl(
    '-X',
    'POST',
    `${server.base}/v1/calls/batch`,
    ...H,
    ...J,
    '-d',
    JSON.stringify({
      agent_id: agent.id,
      recipients: [
        { phone: '+919876543210', variables: { name: 'Rahul' } },
        { phone: '+919876543211', variables: { name: 'Priya' } },
      ],
      schedule_at: 1713456000,
    }),
  );
  check(
    'Movoice POST /calls/batch',
    /^batch_/.test(batch.batch_id) && batch.total_recipients === 2,
    JSON.stringify(batch),
  );
  const batchDone = await waitFor(async () => {
    const b = await ok(cp.GET('/v1/batches/{id}', { params: { path: { id: batch.batch_id } } }));
    return b.status === 'completed' && b;
  });
  check(
    'the batch dials both and completes',
    batchDone && batchDone.counts.completed === 2,
    JSON.stringify(batchDone ? batchDone.counts : null),
  );
  const wa = curl(
    '-X',
    'POST',
    `${server.base}/api/v1/whatsapp/send`,
    ...H,
    ...J,
    '-d',
    JSON.stringify({
      agent_id: agent.id,
      to_number: '+2348012345678',
      message_type: 'template',
      content: { name: 'order_update', language: 'en', parameters: ['Adebayo', 'Shipped'] },
    }),
  );
  check(
    'CallAI POST /whatsapp/send',
    wa.status === 'success' && /^msg_/.test(wa.data.message_id) && wa.data.status === 'queued',
    JSON.stringify(wa),
  );
  const read = await waitFor(
    async () =>
      (await ok(cp.GET('/v1/messages/{id}', { params: { path: { id: wa.data.message_id } } }))).status ===
      'read',
  );
  check('the message is read', !!read);

  console.log('e2e: RTB ping (Moja seed)');
  const rtbEp = await ok(cp.POST('/v1/rtb_endpoints', { body: { name: 'E2E publisher' } }));
  const routes = { params: { path: { id: rtbEp.id } } };
  await ok(
    cp.POST('/v1/rtb_endpoints/{id}/routes', {
      ...routes,
      body: {
        buyer: 'B1',
        number: '+15559876543',
        payout: 45,
        duration: 120,
        payout_condition: 'connected',
        payout_condition_duration: 90,
      },
    }),
  );
  await ok(
    cp.POST('/v1/rtb_endpoints/{id}/routes', {
      ...routes,
      body: {
        buyer: 'B2',
        number: '+15551234567',
        payout: 35,
        duration: 90,
        payout_condition: null,
        payout_condition_duration: null,
      },
    }),
  );
  const bid = curl(`${server.base}/inbound_rtb/${rtbEp.rtb_id}?caller_id=%2B15551112222&zip_code=10001`);
  check(
    'Moja GET /inbound_rtb/{rtb_id}',
    bid.success === true &&
      bid.allocated_count === 2 &&
      bid.eligible_routes[0].payout === 45 &&
      /^bid_/.test(bid.bid_id),
    JSON.stringify(bid),
  );

  console.log('e2e: Reporting AI (Moja seed)');
  const report = curl(
    '-X',
    'POST',
    `${server.base}/reporting_ai/query`,
    ...H,
    ...J,
    '-d',
    JSON.stringify({
      query: 'How many calls did we receive last week?',
      session_id: 'session_abc123',
      conversation_history: [],
    }),
  );
  check(
    'Moja POST /reporting_ai/query',
    typeof report.answer === 'string' &&
      /^SELECT COUNT\(\*\) AS calls FROM call_logs/.test(report.sql) &&
      report.session_id === 'session_abc123' &&
      'calls' in report.data,
    JSON.stringify(report),
  );
  const sessions = curl(`${server.base}/reporting_ai/sessions`, ...H);
  check(
    'GET /reporting_ai/sessions',
    sessions.data.some((x: { session_id: string }) => x.session_id === 'session_abc123'),
  );
  console.log('e2e: suppression list');
  const dnc = '+14155559001';
  await ok(cp.POST('/v1/suppressions', { body: { phone: dnc, reason: 'do_not_call', source: 'e2e' } }));
  const refused = await cp.POST('/v1/call', { body: { agent_id: agent.id, recipient_phone: dnc } });
  const refusedBody = refused.error as { error?: { code?: string; param?: string } } | undefined;
  check(
    'a call to a suppressed number is 422 suppressed naming recipient_phone',
    refused.response.status === 422 &&
      refusedBody?.error?.code === 'suppressed' &&
      refusedBody.error.param === 'recipient_phone',
    JSON.stringify(refusedBody),
  );
  const imported = (await (
    await fetch(`${server.base}/v1/suppressions/import?source=e2e-csv`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${key}`, 'Content-Type': 'text/csv' },
      body: 'phone\n+14155559002\n+14155559003\nnot-a-phone\n',
    })
  ).json()) as { created: number; invalid: number };
  check('CSV import counts rows', imported.created === 2 && imported.invalid === 1, JSON.stringify(imported));
  const sBatch = await ok(
    cp.POST('/v1/calls/batch', {
      body: {
        agent_id: agent.id,
        recipients: [{ phone: '+14155559002' }, { phone: '+14155559004' }, { phone: dnc }],
        metadata: { simulate: { ring_seconds: 0, talk_seconds: 1 } },
      },
    }),
  );
  const skipped = await waitFor(async () => {
    const b = await ok(cp.GET('/v1/batches/{id}', { params: { path: { id: sBatch.batch_id } } }));
    return b.counts.pending === 0 && b.counts.suppressed === 2 ? b : null;
  });
  check('a batch skips suppressed numbers and counts them', !!skipped, JSON.stringify(skipped?.counts));
  const optOut = '+14155559005';
  await ok(cp.POST('/v1/simulator/whatsapp_messages', { body: { from: optOut, text: 'STOP' } }));
  const afterStop = await cp.POST('/v1/messages', {
    body: {
      agent_id: agent.id,
      to_number: optOut,
      message_type: 'template',
      content: { name: 'x', language: 'en' },
    },
  });
  check('a WhatsApp STOP makes the next send 422', afterStop.response.status === 422);
  const createdEvent = await waitFor(() =>
    received.find((r) => (JSON.parse(r.body) as Delivered).type === 'suppression.created'),
  );
  check('suppression.created is delivered', !!createdEvent);

  console.log('e2e: agent versions');
  const vAgent = await ok(
    cp.POST('/v1/agents', { body: { name: 'Versioned', prompt: 'Version one.', first_message: 'One.' } }),
  );
  const vPath = { params: { path: { id: vAgent.id } } };
  const edited = await ok(cp.PATCH('/v1/agents/{id}', { ...vPath, body: { prompt: 'Version two.' } }));
  const versions = await ok(cp.GET('/v1/agents/{id}/versions', vPath));
  check(
    'editing the prompt makes version 2; both are listed',
    edited.version === 2 && versions.data.map((v) => v.version).join() === '2,1',
  );
  const pinnedCall = await ok(
    cp.POST('/v1/call', { body: { agent_id: vAgent.id, recipient_phone: '+14155559010', agent_version: 1 } }),
  );
  const pinnedRead = await ok(cp.GET('/v1/calls/{id}', { params: { path: { id: pinnedCall.call_id } } }));
  check('a pinned call records agent_version 1', pinnedRead.agent_version === 1);
  const restoredAgent = await ok(
    cp.POST('/v1/agents/{id}/versions/{version}/restore', {
      params: { path: { id: vAgent.id, version: 1 } },
    }),
  );
  check(
    'restore makes version 1 current as version 3',
    restoredAgent.version === 3 && restoredAgent.prompt === 'Version one.',
    JSON.stringify(restoredAgent),
  );
} catch (err) {
  failed++;
  console.error(err);
} finally {
  server.stop();
  receiver.close();
}
console.log(`e2e: ${passed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
