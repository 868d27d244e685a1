import { report, allRows, showError, cell, time, minutes, chart } from './api.js';

const room = new URLSearchParams(location.search).get('room');

async function load() {
  if (!room) throw new Error('No room given: open this page from the interview list.');
  const rooms = await report('rooms', { room_id: room });
  const r = rooms.rows[0];
  if (!r) throw new Error(`No interview room ${room} in the read models (yet).`);
  document.getElementById('title').textContent = r.title || room;
  const summary = document.getElementById('summary');
  for (const [k, v] of [['Status', r.status], ['Language', r.language], ['Scheduled for', time(r.scheduled_for)],
    ['Started', time(r.started_at)], ['Ended', time(r.ended_at)], ['Minutes', minutes(r.duration_seconds)],
    ['Participants', r.participant_count], ['Question', r.question_id ?? '—']]) {
    summary.append(Object.assign(document.createElement('dt'), { textContent: k }), Object.assign(document.createElement('dd'), { textContent: v ?? '' }));
  }

  const [activity, runs, timeline] = await Promise.all([
    allRows('activity', { room_id: room }), allRows('runs', { room_id: room }), allRows('timeline', { room_id: room }),
  ]);
  const tbody = document.querySelector('#activity tbody');
  for (const a of activity) {
    const tr = document.createElement('tr');
    cell(tr, a.name); cell(tr, a.role); cell(tr, a.edits); cell(tr, `+${a.chars_inserted} / −${a.chars_deleted}`);
    cell(tr, a.large_pastes); cell(tr, a.cursor_moves); cell(tr, a.idle_periods); cell(tr, a.focus_losses);
    cell(tr, a.chat_messages); cell(tr, a.runs); cell(tr, minutes(a.seconds_to_first_run) && `${minutes(a.seconds_to_first_run)} min`);
    cell(tr, a.runs_until_first_pass);
    tbody.appendChild(tr);
  }

  const verdicts = [...new Set(runs.map((x) => x.verdict ?? 'pending'))];
  const ordered = [...runs].reverse();
  chart(document.getElementById('runs'), {
    type: 'scatter',
    data: { datasets: verdicts.map((v) => ({
      label: v,
      data: ordered.map((x, i) => ({ x: i + 1, y: x.wall_ms ?? x.total_ms, v: x.verdict ?? 'pending' })).filter((p) => p.v === v),
    })) },
    options: { scales: { x: { title: { display: true, text: 'run #' } }, y: { title: { display: true, text: 'ms' } } } },
  });

  const list = document.getElementById('timeline');
  for (const t of timeline) {
    const li = document.createElement('li');
    li.dataset.revision = t.revision; // replay seeks to this stream revision
    const kind = Object.assign(document.createElement('span'), { className: 'kind', textContent: t.kind });
    const verdict = t.verdict ? ` ${t.verdict}` : '';
    li.append(`${time(t.at)}  `, kind, `${t.name ?? ''}${verdict} ${t.detail ?? ''}`);
    if (t.verdict) li.classList.add(t.verdict === 'ok' ? 'verdict-ok' : 'verdict-bad');
    list.appendChild(li);
  }
}

window.addEventListener('DOMContentLoaded', () => load().catch(showError));
