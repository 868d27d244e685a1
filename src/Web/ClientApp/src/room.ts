import * as monaco from 'monaco-editor';
import EditorWorker from 'monaco-editor/editor/editor.worker.js?worker';
import TsWorker from 'monaco-editor/language/typescript/ts.worker.js?worker';
import * as Y from 'yjs';
import { MonacoBinding } from 'y-monaco';
import { HubProvider, type ChatMessage, type Participant, type Status } from './provider';
import { LANGUAGES } from './languages';
import { RunsPanel } from './runs';
import { NotesPanel } from './notes';
import { QuestionPanel } from './question-panel';

// Monaco's workers come from this origin's own bundle (no CDN, no blob: URLs), so a CSP with worker-src 'self' holds.
self.MonacoEnvironment = {
  getWorker: (_id: string, label: string) => (label === 'typescript' || label === 'javascript' ? new TsWorker() : new EditorWorker()),
};

const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

export function renderRoom(app: HTMLElement, roomId: string, token: string): void {
  const saved = localStorage.getItem('peercode.name') ?? '';
  app.innerHTML = `
    <main class="join">
      <h1>Join the room</h1>
      <form id="join"><label>Your name <input name="name" required maxlength="60" value="${escapeHtml(saved)}" autofocus></label>
      <button type="submit">Join</button></form>
    </main>`;
  app.querySelector<HTMLFormElement>('#join')!.addEventListener('submit', (e) => {
    e.preventDefault();
    const name = String(new FormData(e.target as HTMLFormElement).get('name') ?? '').trim();
    if (!name) return;
    localStorage.setItem('peercode.name', name);
    openRoom(app, roomId, token, name);
  });
}

function openRoom(app: HTMLElement, roomId: string, token: string, name: string): void {
  app.innerHTML = `
    <div class="room">
      <header>
        <strong id="title">PeerCode</strong>
        <select id="language" aria-label="Language">${LANGUAGES.map((l) => `<option value="${l.id}">${l.label}</option>`).join('')}</select>
        <span id="status" class="status connecting" role="status">connecting</span>
        <span id="error" class="error" role="alert"></span>
      </header>
      <section id="question" aria-label="Question"></section>
      <div id="editor"></div>
      <section id="runs" aria-label="Runs"></section>
      <aside>
        <h2>People</h2>
        <ul id="presence"></ul>
        <h2>Chat</h2>
        <ol id="chat"></ol>
        <form id="chat-form"><input name="text" maxlength="2000" placeholder="Message" autocomplete="off"><button>Send</button></form>
        <section id="notes" aria-label="Private notes" hidden></section>
      </aside>
    </div>
    <style id="cursor-styles"></style>`;
  const $ = <T extends HTMLElement>(sel: string) => app.querySelector<T>(sel)!;

  const doc = new Y.Doc();
  const text = doc.getText('monaco');
  const editor = monaco.editor.create($('#editor'), { value: '', language: 'plaintext', automaticLayout: true, minimap: { enabled: false } });
  const languageSelect = $<HTMLSelectElement>('#language');
  let runs: RunsPanel | undefined;
  let notes: NotesPanel | undefined;
  let question: QuestionPanel | undefined;
  const setLanguage = (language: string) => {
    monaco.editor.setModelLanguage(editor.getModel()!, language);
    languageSelect.value = language;
    runs?.setLanguage(language);
  };

  const provider = new HubProvider(doc, roomId, token, name, {
    status: (s: Status) => { const el = $('#status'); el.textContent = s; el.className = `status ${s}`; },
    joined: (r) => {
      $('#title').textContent = r.title;
      setLanguage(r.language);
      renderPresence(r.participants);
      provider.awareness.setLocalStateField('user', { name, color: r.color });
      const readOnly = r.role === 'observer';
      editor.updateOptions({ readOnly });
      languageSelect.disabled = readOnly;
      runs?.setRole(r.role);
      question?.show(r.question);
      if (r.role === 'interviewer') void question?.enablePicker();
      void runs?.loadHistory(roomId, token);
      void notes?.setRole(r.role);
      $('#error').textContent = '';
    },
    presence: (p) => renderPresence(p),
    chat: (m: ChatMessage) => {
      const li = document.createElement('li');
      li.innerHTML = `<b>${escapeHtml(m.name)}</b> ${escapeHtml(m.text)}`;
      $('#chat').append(li);
      li.scrollIntoView({ block: 'nearest' });
    },
    language: (l) => setLanguage(l),
    question: (q) => question?.show(q),
    error: (message) => { $('#error').textContent = message; },
  });
  new MonacoBinding(text, editor.getModel()!, new Set([editor]), provider.awareness);
  runs = new RunsPanel($('#runs'), provider);
  notes = new NotesPanel($('#notes'), provider, roomId, token);
  question = new QuestionPanel($('#question'), provider);

  // Integrity signals for the audit (docs/protocol.md): pastes with their size, and the window losing or regaining focus.
  // Observers do not edit, so only participants who can write report them.
  const canWrite = () => provider.joined !== null && provider.joined.role !== 'observer';
  editor.onDidPaste((e) => { if (canWrite()) void provider.reportPaste(editor.getModel()!.getValueLengthInRange(e.range)); });
  window.addEventListener('blur', () => { if (canWrite()) void provider.reportFocus(false); });
  window.addEventListener('focus', () => { if (canWrite()) void provider.reportFocus(true); });

  function renderPresence(participants: Participant[]): void {
    $('#presence').innerHTML = participants.map((p) => `
      <li class="${p.online ? (p.idle ? 'idle' : 'online') : 'offline'}">
        <span class="dot" style="background:${escapeHtml(p.color)}"></span>${escapeHtml(p.name)} <small>${p.role}${p.online ? (p.idle ? ', idle' : '') : ', offline'}</small>
      </li>`).join('');
  }

  // y-monaco marks remote selections with yRemoteSelection-{clientID} and their heads with yRemoteSelectionHead-{clientID};
  // colour them and hang the participant's name on the head.
  provider.awareness.on('change', () => {
    const rules: string[] = [];
    provider.awareness.getStates().forEach((state, clientId) => {
      if (clientId === doc.clientID || !state.user) return;
      const color = /^#[0-9a-fA-F]{6}$/.test(state.user.color) ? state.user.color : '#888888';
      const label = JSON.stringify(String(state.user.name ?? '').slice(0, 60));
      rules.push(`.yRemoteSelection-${clientId} { background-color: ${color}40; }`);
      rules.push(`.yRemoteSelectionHead-${clientId} { position: absolute; border-left: 2px solid ${color}; height: 100%; box-sizing: border-box; }`);
      rules.push(`.yRemoteSelectionHead-${clientId}::after { content: ${label}; position: absolute; top: -1.1em; left: -2px; background: ${color}; color: #fff; font-size: 11px; padding: 0 3px; white-space: nowrap; border-radius: 2px 2px 2px 0; }`);
    });
    $('#cursor-styles').textContent = rules.join('\n');
  });

  languageSelect.addEventListener('change', () => void provider.changeLanguage(languageSelect.value));
  $<HTMLFormElement>('#chat-form').addEventListener('submit', (e) => {
    e.preventDefault();
    const input = (e.target as HTMLFormElement).elements.namedItem('text') as HTMLInputElement;
    const value = input.value.trim();
    if (!value) return;
    input.value = '';
    void provider.sendChat(value);
  });
  window.addEventListener('beforeunload', () => void provider.stop());
  void provider.start();
}
