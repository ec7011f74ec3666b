import { callaiRoutes } from '../callai';
import { newRouter } from '../router';
import { accountRoutes } from './account';
import { agentRoutes } from './agents';
import { apiKeyRoutes } from './api-keys';
import { auditEventRoutes } from './audit-events';
import { batchRoutes } from './batches';
import { callRoutes } from './calls';
import { eventRoutes } from './events';
import { messageRoutes } from './messages';
import { rtbRoutes } from './rtb';
import { webhookEndpointRoutes } from './webhook-endpoints';
import { simulatorRoutes } from './simulator';
import { phoneNumberRoutes } from './phone-numbers';
import { liveRoutes } from './live';
import { suppressionRoutes } from './suppressions';

/** Everything under /v1 (Movoice's API and callplane's own resources). */
export function v1Routes() {
  const r = newRouter();
  for (const sub of [
    accountRoutes,
    apiKeyRoutes,
    auditEventRoutes,
    agentRoutes,
    phoneNumberRoutes,
    batchRoutes,
    // Before callRoutes: /calls/live is not a call id.
    liveRoutes,
    callRoutes,
    webhookEndpointRoutes,
    eventRoutes,
    messageRoutes,
    rtbRoutes,
    suppressionRoutes,
    simulatorRoutes,
  ])
    r.route('/', sub());
  // CallAI's published curl posts to /v1/calls/initiate; its reference says /api/v1/calls/initiate. Both work.
  r.route('/', callaiRoutes());
  return r;
}
