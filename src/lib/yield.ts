// Long work on one request (a 12 MiB batch) is cut into slices; between slices the isolate is handed back so
// other requests (a /healthz probe, another account's call) run. A zero-delay timer is not enough under
// workerd: chained in-process promises (Durable Object RPC, D1) never let the event loop poll for new
// connections, so the yield waits one real millisecond, which does.
export const yieldToIsolate = () => new Promise<void>((resolve) => setTimeout(resolve, 1));
