// Small helpers shared by the dashboard pages: every number on these pages comes from /api/reports (read models only).
export async function report(name, params = {}) {
  const query = new URLSearchParams(Object.entries(params).filter(([, v]) => v !== '' && v != null));
  const response = await fetch(`/api/reports/${name}?${query}`);
  const body = await response.json();
  if (!response.ok) throw new Error(body.detail ?? `${name}: HTTP ${response.status}`);
  return body;
}

/** Every row of a report, page by page (reports cap a page at 1000 rows). */
export async function allRows(name, params = {}) {
  const rows = [];
  for (let page = 1; ; page++) {
    const body = await report(name, { ...params, page, pageSize: 1000 });
    rows.push(...body.rows);
    if (rows.length >= body.total || body.rows.length === 0) return rows;
  }
}

export function showError(e) {
  const el = document.getElementById('error');
  el.textContent = e.message;
  el.hidden = false;
}

export function cell(tr, text) {
  const td = document.createElement('td');
  td.textContent = text ?? '';
  tr.appendChild(td);
  return td;
}

export const time = (iso) => (iso ? new Date(iso).toLocaleString() : '');
export const minutes = (seconds) => (seconds == null ? '' : (seconds / 60).toFixed(1));

/** A chart, or a note when the charting library was not installed (npm ci in src/Web/Dashboard). */
export function chart(canvas, config) {
  if (!window.Chart) {
    canvas.replaceWith(Object.assign(document.createElement('p'), { textContent: 'Charts need chart.js: run npm ci in src/Web/Dashboard and rebuild.' }));
    return null;
  }
  return new window.Chart(canvas, config);
}
