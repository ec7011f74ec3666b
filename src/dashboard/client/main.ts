// The dashboard's browser script: picks the page the Worker rendered (main#app[data-page]) and draws it.
import 'uplot/dist/uPlot.min.css';
import './dashboard.css';
import { errorBox, h, replace } from './dom';
import { agentsPage } from './pages/agents';
import { batchesPage } from './pages/batches';
import { callPage, callsPage } from './pages/calls';
import { livePage } from './pages/live';
import { overviewPage } from './pages/overview';
import { reportingPage } from './pages/reporting';
import { rtbPage } from './pages/rtb';
import { settingsPage } from './pages/settings';
import { webhooksPage } from './pages/webhooks';
import { whatsappPage } from './pages/whatsapp';

export type Page = (root: HTMLElement, id?: string) => Promise<void>;

const pages: Record<string, Page> = {
  overview: overviewPage,
  calls: callsPage,
  call: callPage,
  live: livePage,
  agents: agentsPage,
  batches: batchesPage,
  whatsapp: whatsappPage,
  webhooks: webhooksPage,
  rtb: rtbPage,
  reporting: reportingPage,
  settings: settingsPage,
};

const root = document.getElementById('app');
if (root) {
  const name = root.dataset.page ?? 'overview';
  const title = root.querySelector('h1')?.textContent ?? '';
  const draw = pages[name];
  if (draw) {
    draw(root, root.dataset.id).catch((err) => replace(root, h('h1', {}, title), errorBox(err)));
  }
}
