// The interview player: /replay/{roomId}#token=<interviewer or observer token>&at=<revision>.
// Seeking asks the server for the state at a revision (document included); playing then re-reads the room's events
// from there and applies them to a local Y.Doc, so the editor, cursors, chat and runs move in step.
import * as monaco from 'monaco-editor';
import EditorWorker from 'monaco-editor/editor/editor.worker.js?worker';
import * as Y from 'yjs';
import { MonacoBinding } from 'y-monaco';

self.MonacoEnvironment = { getWorker: () => new EditorWorker() };

interface Pos { line: number; column: number }
interface Cursor { clientId: number; participantId: string; name: string; color: string; cursor: Pos | null; selectionStart: Pos | null; selectionEnd: Pos | null }
interface Participant { participantId: string; name: string; role: string; color: string; online: boolean }
interface Chat { participantId: string; name: string; text: string; at: string; revision: number }
/** A private note: only the interviewer's replay state carries any (an observer's list is always empty). */
interface Note { noteId: string; name: string; text: string; at: string; revision: number }
interface Run {
  runId: string; revision: number; requestedAt: string; requestedBy: string; language: string; code: string; status: string;
  verdict: string | null; wallMs: number | null; detail: string | null; output: { stream: string; text: string }[];
  results: { name: string; hidden: boolean; verdict: string }[]; diffFromPrevious: string | null;
}
interface Signal { kind: string; name: string; revision: number; at: string; size: number | null }
interface State {
  revision: number; at: string; lastRevision: number; title: string; text: string; language: string; participants: Participant[];
  cursors: Cursor[]; chat: Chat[]; runs: Run[]; signals: Signal[]; document: string | null; notes: Note[];
}
interface Marker { revision: number; at: string; kind: string; label: string; verdict: string | null }
interface Timeline { title: string; lastRevision: number; startedAt: string | null; endedAt: string | null; markers: Marker[] }
interface StoredEvent { revision: number; type: string; recordedAt: string; data: Record<string, unknown> | null }
interface Page { lastRevision: number; next: number | null; events: StoredEvent[] }

const SPEEDS = [1, 2, 4, 8, 16, 32];
/** A pause longer than this (interview time) is cut to IDLE_KEPT_MS when "skip idle" is on. */
const IDLE_MS = 3000;
const IDLE_KEPT_MS = 500;

const esc = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
const fromB64 = (s: string) => Uint8Array.from(atob(s), (c) => c.charCodeAt(0));
const safeColor = (c: string) => (/^#[0-9a-fA-F]{6}$/.test(c) ? c : '#888888');
const markerColor = (m: Marker) => {
  if (m.kind === 'run') return m.verdict === null ? '#888' : m.verdict === 'ok' ? '#1a8f2e' : m.verdict === 'compile-error' ? '#d97a00' : '#c62828';
  return ({ join: '#1565c0', leave: '#90a4ae', chat: '#7b1fa2', paste: '#f9a825', 'focus-lost': '#212121', language: '#00897b', note: '#5d4037', question: '#5e35b1' } as Record<string, string>)[m.kind] ?? '#666';
};

export function renderReplay(app: HTMLElement, roomId: string, hash: string): void {
  const params = new URLSearchParams(hash);
  const token = params.get('token') ?? '';
  app.innerHTML = `
    <div class="replay">
      <header>
        <strong id="title">Replay</strong>
        <button id="play" title="Play / pause (Space)">Play</button>
        <label>Speed <select id="speed" title="Slower / faster ([ and ])">${SPEEDS.map((s) => `<option value="${s}">${s}x</option>`).join('')}</select></label>
        <label><input type="checkbox" id="skip-idle" checked> Skip idle</label>
        <span id="clock" class="clock"></span>
        <button id="copy-link" title="Copy a link to this moment (L)">Link to this moment</button>
        <a id="export-md" target="_blank">Summary (Markdown)</a>
        <a id="export-html" target="_blank">Summary (printable)</a>
        <span id="error" class="error" role="alert"></span>
      </header>
      <div class="scrubber">
        <div id="markers"></div>
        <input type="range" id="scrub" min="0" max="0" value="0" aria-label="Moment">
      </div>
      <div id="editor"></div>
      <aside>
        <h2>People</h2><ul id="people"></ul>
        <h2>Chat</h2><ol id="replay-chat"></ol>
        <section id="replay-notes-section" hidden><h2>Private notes</h2><ol id="replay-notes"></ol></section>
        <h2>Runs</h2><div id="runs"></div>
        <h2>Signals</h2><ul id="signals"></ul>
        <details><summary>Keyboard</summary><p>Space play/pause · ←/→ one event · Shift+←/→ 100 events · [ ] speed ·
          N/P next/previous marker · Home/End · L copy link</p></details>
      </aside>
    </div>
    <style id="replay-cursor-styles"></style>`;
  const $ = <T extends HTMLElement>(sel: string) => app.querySelector<T>(sel)!;
  const api = (path: string) => `/api/rooms/${roomId}/replay/${path}`;
  const headers = { "X-Room-Token": token };
  $<HTMLAnchorElement>('#export-md').href = `${api('summary.md')}?token=${encodeURIComponent(token)}`;
  $<HTMLAnchorElement>('#export-html').href = `${api('summary.html')}?token=${encodeURIComponent(token)}`;

  const editor = monaco.editor.create($('#editor'), { value: '', readOnly: true, automaticLayout: true, minimap: { enabled: false } });
  let doc = new Y.Doc();
  let binding: InstanceType<typeof MonacoBinding> | null = null;
  let revision = -1;
  let lastRevision = 0;
  let timeline: Timeline | null = null;
  let playing = false;
  let speed = 1;
  let buffer: StoredEvent[] = [];
  let loading: Promise<void> | null = null;
  let clockAt = 0; // interview time (ms since epoch) the player is at
  const cursors = new Map<number, Cursor>();
  const people = new Map<string, Participant>();
  let decorations: string[] = [];
  let sideRefresh: number | null = null;

  async function get<T>(path: string): Promise<T> {
    const res = await fetch(api(path), { headers });
    if (!res.ok) {
      const problem = await res.json().catch(() => null) as { detail?: string; title?: string } | null;
      throw new Error(problem?.detail ?? problem?.title ?? `HTTP ${res.status}`);
    }
    return res.json() as Promise<T>;
  }
  const fail = (e: unknown) => { $('#error').textContent = e instanceof Error ? e.message : String(e); };

  function rebind(state: State): void {
    binding?.destroy();
    doc.destroy();
    doc = new Y.Doc();
    if (state.document) Y.applyUpdate(doc, fromB64(state.document));
    editor.getModel()!.setValue(doc.getText('monaco').toString());
    binding = new MonacoBinding(doc.getText('monaco'), editor.getModel()!, new Set([editor]));
  }

  function showSide(state: State): void {
    monaco.editor.setModelLanguage(editor.getModel()!, state.language);
    people.clear();
    for (const p of state.participants) people.set(p.participantId, p);
    $('#people').innerHTML = state.participants.map((p) =>
      `<li class="${p.online ? 'online' : 'offline'}"><span class="dot" style="background:${safeColor(p.color)}"></span>${esc(p.name)} <small>${esc(p.role)}</small></li>`).join('');
    $('#replay-chat').innerHTML = state.chat.map((m) => `<li data-revision="${m.revision}"><b>${esc(m.name)}</b> ${esc(m.text)}</li>`).join('');
    $('#runs').innerHTML = state.runs.map((r, i) => `
      <details class="run ${esc(r.verdict ?? r.status)}" data-revision="${r.revision}">
        <summary>Run ${i + 1}: <b>${esc(r.verdict ?? r.status)}</b> ${r.wallMs === null ? '' : `${r.wallMs} ms`} <small>by ${esc(r.requestedBy)}</small></summary>
        ${r.detail ? `<p>${esc(r.detail)}</p>` : ''}
        ${r.results.length ? `<ul>${r.results.map((t) => `<li>${esc(t.name)}${t.hidden ? ' (hidden)' : ''}: ${esc(t.verdict)}</li>`).join('')}</ul>` : ''}
        <p>Code that ran:</p><pre>${esc(r.code)}</pre>
        ${r.diffFromPrevious === null ? '' : `<p>Diff against the previous run:</p><pre class="diff">${r.diffFromPrevious.split('\n').map((l) =>
          `<span class="${l.startsWith('+ ') ? 'add' : l.startsWith('- ') ? 'del' : ''}">${esc(l)}</span>`).join('\n')}</pre>`}
        <p>Output:</p><pre class="output">${esc(r.output.map((o) => o.text).join(''))}</pre>
      </details>`).join('');
    $('#signals').innerHTML = state.signals.map((s) =>
      `<li>${esc(s.name)}: ${s.kind === 'paste' ? `pasted ${s.size} characters` : s.kind === 'focus-lost' ? 'left the editor' : 'came back'}</li>`).join('');
    const chat = $('#replay-chat');
    chat.scrollTop = chat.scrollHeight;
    const notes = state.notes ?? [];
    $('#replay-notes-section').hidden = notes.length === 0;
    $('#replay-notes').innerHTML = notes.map((n) =>
      `<li data-revision="${n.revision}"><b>${esc(n.name)}</b> <small>${esc(new Date(n.at).toLocaleTimeString())}</small><br>${esc(n.text).replace(/\n/g, '<br>')}</li>`).join('');
  }

  function drawCursors(): void {
    const model = editor.getModel()!;
    const rules: string[] = [];
    const next: monaco.editor.IModelDeltaDecoration[] = [];
    let i = 0;
    for (const c of cursors.values()) {
      if (!c.cursor) continue;
      const p = people.get(c.participantId);
      const name = p?.name ?? c.name;
      const color = safeColor(p?.color ?? c.color);
      const cls = `rc${i++}`;
      rules.push(`.${cls}-sel { background-color: ${color}40; }`);
      rules.push(`.${cls}-head { border-left: 2px solid ${color}; }`);
      rules.push(`.${cls}-head::after { content: ${JSON.stringify(name.slice(0, 60))}; position: absolute; transform: translateY(-1.1em); background: ${color}; color: #fff; font-size: 11px; padding: 0 3px; white-space: nowrap; border-radius: 2px 2px 2px 0; }`);
      const at = model.validatePosition({ lineNumber: c.cursor.line, column: c.cursor.column });
      next.push({ range: new monaco.Range(at.lineNumber, at.column, at.lineNumber, at.column), options: { beforeContentClassName: `${cls}-head replay-cursor` } });
      if (c.selectionStart && c.selectionEnd) {
        const s = model.validatePosition({ lineNumber: c.selectionStart.line, column: c.selectionStart.column });
        const e = model.validatePosition({ lineNumber: c.selectionEnd.line, column: c.selectionEnd.column });
        if (!s.equals(e)) next.push({ range: monaco.Range.fromPositions(s, e), options: { className: `${cls}-sel` } });
      }
    }
    $('#replay-cursor-styles').textContent = rules.join('\n');
    decorations = editor.deltaDecorations(decorations, next);
  }

  function showClock(at: string | null): void {
    const scrub = $<HTMLInputElement>('#scrub');
    scrub.max = String(lastRevision);
    scrub.value = String(Math.max(0, revision));
    if (!timeline?.startedAt || !at) return;
    const elapsed = Math.max(0, Date.parse(at) - Date.parse(timeline.startedAt));
    const total = timeline.endedAt ? Date.parse(timeline.endedAt) - Date.parse(timeline.startedAt) : 0;
    const fmt = (ms: number) => new Date(ms).toISOString().slice(11, 19);
    $('#clock').textContent = `${fmt(elapsed)} / ${fmt(total)} · event ${revision} of ${lastRevision}`;
    $('#clock').dataset.revision = String(revision);
  }

  async function seek(to: number): Promise<void> {
    to = Math.max(0, Math.min(lastRevision, Math.round(to)));
    const state = await get<State>(`state?at=${to}&document=true`);
    revision = state.revision;
    lastRevision = state.lastRevision;
    clockAt = Date.parse(state.at);
    buffer = [];
    rebind(state);
    showSide(state);
    cursors.clear();
    for (const c of state.cursors) cursors.set(c.clientId, c);
    drawCursors();
    showClock(state.at);
    history.replaceState(null, '', `#token=${encodeURIComponent(token)}&at=${revision}`);
  }

  async function fill(): Promise<void> {
    const from = (buffer.length ? buffer[buffer.length - 1].revision : revision) + 1;
    const page = await get<Page>(`events?from=${from}&count=1000`);
    lastRevision = page.lastRevision;
    // A seek while this page was loading moved the player: drop a page that no longer follows on.
    const expected = (buffer.length ? buffer[buffer.length - 1].revision : revision) + 1;
    if (page.events.length && page.events[0].revision === expected) buffer.push(...page.events);
  }

  function apply(e: StoredEvent): void {
    revision = e.revision;
    const d = e.data ?? {};
    switch (e.type) {
      case 'room.document-updated.v1':
        Y.applyUpdate(doc, fromB64(String(d.update)));
        break;
      case 'room.awareness-updated.v1': {
        const clientId = Number(d.clientId);
        const p = people.get(String(d.participantId));
        cursors.set(clientId, {
          clientId, participantId: String(d.participantId), name: p?.name ?? 'someone', color: p?.color ?? '#888888',
          cursor: (d.cursor as Pos | null) ?? null, selectionStart: (d.selectionStart as Pos | null) ?? null, selectionEnd: (d.selectionEnd as Pos | null) ?? null,
        });
        break;
      }
      case 'room.document-snapshot-taken.v1':
        break;
      default:
        // Joins, chat, language, runs and signals: the server folds them; refresh the side panel once per burst.
        if (sideRefresh === null) {
          sideRefresh = window.setTimeout(() => {
            sideRefresh = null;
            get<State>(`state?at=${revision}`).then(showSide, fail).then(drawCursors);
          }, 150);
        }
    }
  }

  let lastFrame = 0;
  function frame(now: number): void {
    if (!playing) return;
    const dt = lastFrame ? now - lastFrame : 0;
    lastFrame = now;
    // Each page also says where the stream ends now, so a room still being recorded keeps playing as it grows.
    const buffered = buffer.length ? buffer[buffer.length - 1].revision : revision;
    if (buffer.length < 500 && !loading && buffered < lastRevision) loading = fill().catch(fail).finally(() => { loading = null; });
    clockAt += dt * speed;
    const skipIdle = $<HTMLInputElement>('#skip-idle').checked;
    let applied = 0;
    while (buffer.length) {
      const next = buffer[0];
      const t = Date.parse(next.recordedAt);
      if (skipIdle && t - clockAt > IDLE_MS) clockAt = t - IDLE_KEPT_MS;
      if (t > clockAt) break;
      apply(buffer.shift()!);
      applied++;
    }
    if (applied) {
      drawCursors();
      showClock(new Date(clockAt).toISOString());
    }
    if (revision >= lastRevision && !buffer.length && !loading) {
      setPlaying(false);
      history.replaceState(null, '', `#token=${encodeURIComponent(token)}&at=${revision}`);
      return;
    }
    requestAnimationFrame(frame);
  }

  function setPlaying(on: boolean): void {
    playing = on;
    $('#play').textContent = on ? 'Pause' : 'Play';
    $('#play').classList.toggle('playing', on);
    if (on) {
      if (revision >= lastRevision) { void seek(0).then(() => setPlaying(true), fail); playing = false; return; }
      lastFrame = 0;
      requestAnimationFrame(frame);
    } else {
      history.replaceState(null, '', `#token=${encodeURIComponent(token)}&at=${revision}`);
    }
  }

  const seekTo = (to: number) => { const was = playing; setPlaying(false); void seek(to).then(() => { if (was) setPlaying(true); }, fail); };
  const markerAfter = (dir: 1 | -1) => {
    const ms = timeline?.markers ?? [];
    const m = dir > 0 ? ms.find((x) => x.revision > revision) : [...ms].reverse().find((x) => x.revision < revision);
    if (m) seekTo(m.revision);
  };
  const setSpeed = (s: number) => { speed = s; $<HTMLSelectElement>('#speed').value = String(s); };

  $('#play').addEventListener('click', () => setPlaying(!playing));
  $<HTMLSelectElement>('#speed').addEventListener('change', (e) => setSpeed(Number((e.target as HTMLSelectElement).value)));
  $<HTMLInputElement>('#scrub').addEventListener('change', (e) => seekTo(Number((e.target as HTMLInputElement).value)));
  $('#copy-link').addEventListener('click', () => void navigator.clipboard?.writeText(location.href).catch(() => undefined));
  window.addEventListener('keydown', (e) => {
    if ((e.target as HTMLElement).closest('input, select, textarea, .monaco-editor') && e.key !== ' ') return;
    const step = e.shiftKey ? 100 : 1;
    const i = SPEEDS.indexOf(speed);
    switch (e.key) {
      case ' ': e.preventDefault(); setPlaying(!playing); break;
      case 'ArrowRight': seekTo(revision + step); break;
      case 'ArrowLeft': seekTo(revision - step); break;
      case 'Home': seekTo(0); break;
      case 'End': seekTo(lastRevision); break;
      case ']': setSpeed(SPEEDS[Math.min(SPEEDS.length - 1, i + 1)]); break;
      case '[': setSpeed(SPEEDS[Math.max(0, i - 1)]); break;
      case 'n': case 'N': markerAfter(1); break;
      case 'p': case 'P': markerAfter(-1); break;
      case 'l': case 'L': void navigator.clipboard?.writeText(location.href).catch(() => undefined); break;
      default: return;
    }
  });

  (async () => {
    timeline = await get<Timeline>('timeline');
    lastRevision = timeline.lastRevision;
    $('#title').textContent = `Replay: ${timeline.title}`;
    $('#markers').innerHTML = timeline.markers.map((m) =>
      `<button class="marker ${esc(m.kind)}" data-revision="${m.revision}" title="${esc(m.label)}" aria-label="${esc(m.label)}"
        style="left:${(100 * m.revision / Math.max(1, lastRevision)).toFixed(3)}%;background:${markerColor(m)}"></button>`).join('');
    $('#markers').addEventListener('click', (e) => {
      const at = (e.target as HTMLElement).dataset.revision;
      if (at !== undefined) seekTo(Number(at));
    });
    const at = Number(params.get('at') ?? '0');
    await seek(Number.isFinite(at) ? at : 0);
    app.querySelector('.replay')!.classList.add('ready');
  })().catch(fail);
}
