// The run panel of a room: Run button (the room's language, if this server can run it), optional stdin, the output
// of the run being followed in xterm.js, its status, and the history of the room's runs (loaded on join, then live).
import { Terminal } from '@xterm/xterm';
import '@xterm/xterm/css/xterm.css';
import type { HubProvider } from './provider';

/** One RunUpdate message (docs/protocol.md): the run event's fields plus its kind. */
export type RunUpdate =
  | { kind: 'requested'; runId: string; language: string; requestedBy: string; at: string; stdin: string; codeSha256: string }
  | { kind: 'queued'; runId: string; position: number; at: string }
  | { kind: 'started'; runId: string; node: string; at: string }
  | { kind: 'output'; runId: string; seq: number; stream: 'stdout' | 'stderr'; text: string }
  | { kind: 'completed'; runId: string; verdict: string; exitCode: number | null; wallMs: number; cpuMs: number | null;
      peakMemoryKb: number | null; outputTruncated: boolean; detail: string | null; at: string;
      tests: { name: string; hidden: boolean; verdict: string; diff: string | null; detail: string | null }[] };

interface RunView { runId: string; language: string; status: string; output: string; at: string; completed?: Extract<RunUpdate, { kind: 'completed' }> }

interface RunReport {
  runId: string; status: string; language: string; requestedAt: string; verdict: string | null; exitCode: number | null;
  wallMs: number | null; cpuMs: number | null; peakMemoryKb: number | null; outputTruncated: boolean; detail: string | null;
  completedAt: string | null; output: { seq: number; stream: string; text: string }[];
  testResults: Extract<RunUpdate, { kind: 'completed' }>['tests'];
}

interface LanguagesResponse { languages: { id: string; name: string; version: string }[]; sandbox: { available: boolean; unavailable: string | null } }

const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

export class RunsPanel {
  private readonly term = new Terminal({ convertEol: true, disableStdin: true, rows: 10, fontSize: 13, scrollback: 5000 });
  private readonly runs = new Map<string, RunView>();
  private runnable = new Map<string, string>(); // id → "Python 3.11.2"
  private unavailable: string | null = null;
  private language = 'plaintext';
  private role = 'observer';
  private followed: string | null = null;

  constructor(private readonly root: HTMLElement, private readonly provider: HubProvider) {
    root.innerHTML = `
      <div class="runs-bar">
        <button id="run" type="button" disabled>Run</button>
        <span id="run-language" class="muted"></span>
        <details id="stdin-box"><summary>stdin</summary><textarea id="stdin" rows="3" spellcheck="false" placeholder="Standard input for the run"></textarea></details>
        <span id="run-status" class="run-status" role="status"></span>
      </div>
      <div class="runs-body"><div id="terminal"></div><ol id="run-history" aria-label="Runs"></ol></div>`;
    this.term.open(this.$('#terminal'));
    this.$<HTMLButtonElement>('#run').addEventListener('click', () => void this.run());
    this.$('#run-history').addEventListener('click', (e) => {
      const li = (e.target as HTMLElement).closest<HTMLElement>('li[data-run]');
      if (li) this.follow(li.dataset.run!);
    });
    provider.onRunUpdate((u) => this.update(u));
    void this.loadLanguages();
  }

  setRole(role: string): void { this.role = role; this.refresh(); }

  /** Fills the history with the room's earlier runs (GET /api/rooms/{roomId}/runs); runs seen live are kept as they are. */
  async loadHistory(roomId: string, token: string): Promise<void> {
    try {
      const res = await fetch(`/api/rooms/${encodeURIComponent(roomId)}/runs`, { headers: { "x-room-token": token } });
      if (!res.ok) return;
      const reports = (await res.json()) as RunReport[];
      const known = new Map(this.runs);
      this.runs.clear();
      for (const r of reports) {
        this.runs.set(r.runId, known.get(r.runId) ?? {
          runId: r.runId, language: r.language, status: r.verdict ?? r.status, at: r.requestedAt,
          output: r.output.map((o) => (o.stream === 'stderr' ? `\x1b[31m${o.text}\x1b[0m` : o.text)).join(''),
          completed: r.verdict === null ? undefined : {
            kind: 'completed', runId: r.runId, verdict: r.verdict, exitCode: r.exitCode, wallMs: r.wallMs ?? 0, cpuMs: r.cpuMs,
            peakMemoryKb: r.peakMemoryKb, outputTruncated: r.outputTruncated, detail: r.detail, at: r.completedAt ?? r.requestedAt, tests: r.testResults,
          },
        });
      }
      for (const [id, run] of known) if (!this.runs.has(id)) this.runs.set(id, run);
      this.renderHistory();
    } catch {
      // The live RunUpdates still fill the history; a failed fetch only leaves out the older runs.
      this.setStatus('Earlier runs could not be loaded.', 'failed');
    }
  }

  setLanguage(language: string): void { this.language = language; this.refresh(); }

  private $<T extends HTMLElement>(sel: string): T { return this.root.querySelector<T>(sel)!; }

  private async loadLanguages(): Promise<void> {
    try {
      const res = await fetch('/api/languages');
      const body = (await res.json()) as LanguagesResponse;
      this.runnable = new Map(body.languages.map((l) => [l.id, `${l.name} (${l.version})`]));
      this.unavailable = body.sandbox.available ? null : body.sandbox.unavailable;
    } catch (e) {
      this.unavailable = `the list of languages could not be loaded (${e instanceof Error ? e.message : String(e)})`;
    }
    this.refresh();
  }

  private refresh(): void {
    const button = this.$<HTMLButtonElement>('#run');
    const label = this.runnable.get(this.language);
    const why = this.role === 'observer' ? 'Observers can watch runs but not start them.'
      : this.unavailable ? `This server cannot run code: ${this.unavailable}`
      : !label ? `This server cannot run ${this.language}.` : '';
    button.disabled = why !== '';
    button.title = why;
    this.$('#run-language').textContent = label ?? why;
  }

  private async run(): Promise<void> {
    const button = this.$<HTMLButtonElement>('#run');
    button.disabled = true;
    try {
      this.followed = await this.provider.requestRun(this.language, this.$<HTMLTextAreaElement>('#stdin').value);
      this.show();
    } catch (e) {
      this.setStatus(e instanceof Error ? e.message : String(e), 'failed');
    } finally {
      this.refresh();
    }
  }

  private update(u: RunUpdate): void {
    let run = this.runs.get(u.runId);
    if (u.kind === 'requested') {
      run = { runId: u.runId, language: u.language, status: 'requested', output: '', at: u.at };
      this.runs.set(u.runId, run);
      this.followed = u.runId; // follow the newest run, whoever started it
      this.term.reset();
    }
    if (!run) return; // joined mid-run: the run's beginning was before this page
    switch (u.kind) {
      case 'queued': run.status = u.position > 0 ? `queued (${u.position} ahead)` : 'queued'; break;
      case 'started': run.status = 'running'; break;
      case 'output':
        run.output += u.stream === 'stderr' ? `\x1b[31m${u.text}\x1b[0m` : u.text;
        if (this.followed === u.runId) this.term.write(u.stream === 'stderr' ? `\x1b[31m${u.text}\x1b[0m` : u.text);
        break;
      case 'completed': run.status = u.verdict; run.completed = u; break;
    }
    if (this.followed === u.runId) this.setStatus(this.describe(run), run.completed ? (run.completed.verdict === 'ok' ? 'ok' : 'failed') : 'busy');
    this.renderHistory();
  }

  private follow(runId: string): void {
    this.followed = runId;
    this.show();
    this.renderHistory();
  }

  private show(): void {
    const run = this.followed ? this.runs.get(this.followed) : undefined;
    this.term.reset();
    if (!run) return;
    this.term.write(run.output);
    this.setStatus(this.describe(run), run.completed ? (run.completed.verdict === 'ok' ? 'ok' : 'failed') : 'busy');
  }

  private describe(run: RunView): string {
    const c = run.completed;
    if (!c) return `${run.language}: ${run.status}`;
    const tests = c.tests.length ? `, tests ${c.tests.filter((t) => t.verdict === 'passed').length}/${c.tests.length} passed` : '';
    return `${run.language}: ${c.verdict}${c.exitCode !== null ? ` (exit ${c.exitCode})` : ''}, ${c.wallMs} ms${c.peakMemoryKb !== null ? `, ${Math.round(c.peakMemoryKb / 1024)} MiB` : ''}${tests}${c.detail ? ` - ${c.detail}` : ''}`;
  }

  private setStatus(text: string, kind: 'ok' | 'failed' | 'busy'): void {
    const el = this.$('#run-status');
    el.textContent = text;
    el.className = `run-status ${kind}`;
  }

  private renderHistory(): void {
    this.$('#run-history').innerHTML = [...this.runs.values()].reverse().map((r) => {
      const c = r.completed;
      const time = new Date(r.at).toLocaleTimeString();
      const figures = c ? `${c.wallMs} ms${c.peakMemoryKb !== null ? `, ${Math.round(c.peakMemoryKb / 1024)} MiB` : ''}` : '';
      return `<li data-run="${escapeHtml(r.runId)}" class="${r.runId === this.followed ? 'followed' : ''} ${c ? (c.verdict === 'ok' ? 'ok' : 'failed') : 'busy'}">
        <span>${escapeHtml(time)}</span> <b>${escapeHtml(c ? c.verdict : r.status)}</b> <small>${escapeHtml(r.language)} ${escapeHtml(figures)}</small></li>`;
    }).join('');
  }
}
