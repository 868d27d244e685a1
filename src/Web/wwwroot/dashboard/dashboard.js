import { report, allRows, showError, cell, time, minutes, chart } from './api.js';

const form = document.getElementById('filters');
let page = 1;
const charts = [];

function filters() {
  const data = Object.fromEntries(new FormData(form));
  return {
    status: data.status, language: data.language, q: data.q,
    from: data.from, to: data.to ? nextDay(data.to) : '',
  };
}

function nextDay(day) {
  const d = new Date(`${day}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + 1);
  return d.toISOString().slice(0, 10);
}

async function loadRooms() {
  const body = await report('rooms', { ...filters(), page, pageSize: 25 });
  const tbody = document.querySelector('#rooms tbody');
  tbody.replaceChildren();
  for (const r of body.rows) {
    const tr = document.createElement('tr');
    const link = Object.assign(document.createElement('a'), { href: `interview.html?room=${r.room_id}`, textContent: r.title || r.room_id });
    cell(tr, '').appendChild(link);
    cell(tr, r.status); cell(tr, r.language); cell(tr, time(r.started_at));
    cell(tr, minutes(r.duration_seconds)); cell(tr, r.participant_count);
    tbody.appendChild(tr);
  }
  const pages = Math.max(1, Math.ceil(body.total / body.pageSize));
  document.getElementById('total').textContent = `(${body.total})`;
  document.getElementById('page').textContent = `page ${page} of ${pages}`;
  document.getElementById('prev').disabled = page <= 1;
  document.getElementById('next').disabled = page >= pages;
  const csv = new URLSearchParams(Object.entries(filters()).filter(([, v]) => v));
  csv.set('format', 'csv');
  document.getElementById('csv').href = `/api/reports/rooms?${csv}`;
}

async function loadCharts() {
  const f = filters();
  const days = await allRows('daily', { from: f.from, to: f.to ? f.to : '' });
  const questions = await allRows('questions');
  charts.splice(0).forEach((c) => c?.destroy());
  const labels = days.map((d) => d.day);
  charts.push(chart(document.getElementById('daily'), {
    type: 'line',
    data: { labels, datasets: [
      { label: 'interviews started', data: days.map((d) => d.interviews_started) },
      { label: 'active users', data: days.map((d) => d.active_users) },
    ] },
  }));
  charts.push(chart(document.getElementById('runs'), {
    type: 'bar',
    data: { labels, datasets: [
      { label: 'passing', data: days.map((d) => d.runs_passed), stack: 'runs' },
      { label: 'other', data: days.map((d) => d.runs - d.runs_passed), stack: 'runs' },
    ] },
    options: { scales: { x: { stacked: true }, y: { stacked: true } } },
  }));
  const used = questions.filter((q) => q.times_used > 0);
  charts.push(chart(document.getElementById('questions'), {
    type: 'bar',
    data: { labels: used.map((q) => q.title), datasets: [{ label: 'pass rate %', data: used.map((q) => Math.round(100 * (q.pass_rate ?? 0))) }] },
    options: { indexAxis: 'y', scales: { x: { min: 0, max: 100 } } },
  }));
}

async function load() {
  try {
    document.getElementById('error').hidden = true;
    await Promise.all([loadRooms(), loadCharts()]);
  } catch (e) {
    showError(e);
  }
}

form.addEventListener('submit', (e) => { e.preventDefault(); page = 1; load(); });
document.getElementById('prev').addEventListener('click', () => { page--; loadRooms().catch(showError); });
document.getElementById('next').addEventListener('click', () => { page++; loadRooms().catch(showError); });
window.addEventListener('DOMContentLoaded', load);
