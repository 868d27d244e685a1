// The private notes panel of a room: interviewers only. It stays empty and hidden for every other role (the server
// never sends them a note anyway). Notes so far come from GET /api/rooms/{id}/notes, new ones as the hub's Note message.
import type { HubProvider, Note } from './provider';

const esc = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
const MAX_NOTE = 4000;

export class NotesPanel {
  private readonly notes = new Map<string, Note>();
  private enabled = false;

  constructor(private readonly root: HTMLElement, private readonly provider: HubProvider, private readonly roomId: string, private readonly token: string) {
    root.hidden = true;
    provider.onNote((n) => { if (this.enabled) this.add([n]); });
  }

  /** Called on every (re)join: shows the panel and reloads the notes so far for an interviewer, hides it for anyone else. */
  async setRole(role: string): Promise<void> {
    this.enabled = role === 'interviewer';
    this.root.hidden = !this.enabled;
    if (!this.enabled) {
      this.root.innerHTML = '';
      this.notes.clear();
      return;
    }
    if (!this.root.querySelector('#notes-form')) this.render();
    try {
      // The account is the sign-in cookie; the room link's token proves this is an interviewer of this room.
      const res = await fetch(`/api/rooms/${this.roomId}/notes`, { headers: { 'X-Room-Token': this.token }, credentials: 'same-origin' });
      if (res.status === 401 && res.headers.get('content-type')?.includes('json')) {
        const problem = await res.json().catch(() => null) as { code?: string; detail?: string } | null;
        throw new Error(problem?.code === 'unauthenticated' || !problem?.code
          ? 'Sign in as an interviewer to see the notes taken before you joined; new notes still appear here.'
          : problem?.detail ?? 'HTTP 401');
      }
      if (!res.ok) {
        const problem = await res.json().catch(() => null) as { detail?: string } | null;
        throw new Error(problem?.detail ?? `HTTP ${res.status}`);
      }
      this.add(await res.json() as Note[]);
    } catch (e) {
      this.error(e instanceof Error ? e.message : String(e));
    }
  }

  private render(): void {
    this.root.innerHTML = `
      <h2>Private notes <small class="muted">interviewers only</small></h2>
      <ol id="notes-list"></ol>
      <form id="notes-form">
        <textarea name="text" rows="3" maxlength="${MAX_NOTE}" placeholder="Only interviewers see these notes" aria-label="Private note"></textarea>
        <button>Add note</button>
      </form>
      <span id="notes-error" class="error" role="alert"></span>`;
    const form = this.root.querySelector<HTMLFormElement>('#notes-form')!;
    const input = form.querySelector<HTMLTextAreaElement>('textarea')!;
    const submit = async () => {
      const value = input.value.trim();
      if (!value) return;
      try {
        this.add([await this.provider.postNote(value)]);
        input.value = '';
        this.error('');
      } catch (e) {
        this.error(e instanceof Error ? e.message : String(e)); // the text stays in the box to fix and resend
      }
    };
    form.addEventListener('submit', (e) => { e.preventDefault(); void submit(); });
    input.addEventListener('keydown', (e) => { if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) { e.preventDefault(); void submit(); } });
  }

  private add(notes: Note[]): void {
    for (const n of notes) this.notes.set(n.id, n);
    const list = this.root.querySelector<HTMLOListElement>('#notes-list');
    if (!list) return;
    list.innerHTML = [...this.notes.values()].sort((a, b) => a.at.localeCompare(b.at)).map((n) =>
      `<li data-note="${esc(n.id)}"><b>${esc(n.name)}</b> <small>${esc(new Date(n.at).toLocaleTimeString())}</small><br>${esc(n.text).replace(/\n/g, '<br>')}</li>`).join('');
    list.scrollTop = list.scrollHeight;
  }

  private error(message: string): void {
    const el = this.root.querySelector('#notes-error');
    if (el) el.textContent = message;
  }
}
