import { showError, cell } from './api.js';

async function rebuild(names) {
  // Signed in with the browser's cookie: a change needs the antiforgery token (docs/protocol.md, Accounts).
  const antiforgery = await fetch('/api/account/antiforgery').then((r) => r.json());
  const response = await fetch('/api/admin/projections/rebuild', {
    method: 'POST', headers: { 'content-type': 'application/json', 'X-CSRF-TOKEN': antiforgery.token }, body: JSON.stringify({ projections: names }),
  });
  if (!response.ok) throw new Error((await response.json()).detail);
  await refresh();
}

async function refresh() {
  const response = await fetch('/api/admin/projections');
  if (!response.ok) throw new Error(`HTTP ${response.status}`);
  const tbody = document.querySelector('#status tbody');
  tbody.replaceChildren();
  for (const p of await response.json()) {
    const tr = document.createElement('tr');
    cell(tr, p.name); cell(tr, p.position); cell(tr, p.headPosition); cell(tr, p.lag);
    cell(tr, p.secondsBehind == null ? '' : p.secondsBehind.toFixed(1)); cell(tr, p.eventsProcessed);
    cell(tr, p.error ? `${p.runner}: ${p.error}` : p.runner);
    cell(tr, p.rebuilding ? `${Math.round(100 * (p.rebuildProgress ?? 0))}%` : 'done');
    const button = Object.assign(document.createElement('button'), { textContent: 'Rebuild' });
    button.addEventListener('click', () => rebuild([p.name]).catch(showError));
    cell(tr, '').appendChild(button);
    tbody.appendChild(tr);
  }
}

document.getElementById('rebuild-all').addEventListener('click', () => rebuild([]).catch(showError));
window.addEventListener('DOMContentLoaded', () => {
  refresh().catch(showError);
  setInterval(() => refresh().catch(showError), 2000);
});
