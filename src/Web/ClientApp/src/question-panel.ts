// The room's question beside the editor: title, difficulty, the description rendered as safe Markdown, the tests the
// viewer may see. Interviewers (signed in) also get a picker of the bank's questions; picking one puts it into the room
// for everyone (hub SelectQuestion), and an empty document receives its starter code.
import { api } from './api';
import { escapeHtml, renderMarkdown } from './markdown';
import type { QuestionListPage } from './questions';
import type { HubProvider } from './provider';

export interface RoomQuestion {
  questionId: string; revision: number; title: string; difficulty: string; categories: string[]; tags: string[];
  description: string; starterCode: Record<string, string>;
  tests: { name: string; stdin: string; expectedStdout: string; hidden: boolean }[]; hiddenTests: number;
}

export class QuestionPanel {
  constructor(private readonly root: HTMLElement, private readonly provider: HubProvider) {
    root.innerHTML = `<div id="question-picker" hidden></div><div id="question-view" class="markdown"><p class="muted">No question yet.</p></div>`;
  }

  show(q: RoomQuestion | null): void {
    const view = this.root.querySelector('#question-view')!;
    if (!q) { view.innerHTML = '<p class="muted">No question yet.</p>'; return; }
    const tests = q.tests.map((t) => `
      <details><summary>${escapeHtml(t.name)}${t.hidden ? ' <small>(hidden from the candidate)</small>' : ''}</summary>
        <div class="muted">stdin</div><pre>${escapeHtml(t.stdin)}</pre><div class="muted">expected stdout</div><pre>${escapeHtml(t.expectedStdout)}</pre></details>`).join('');
    view.innerHTML = `
      <h2 id="question-title">${escapeHtml(q.title)} <small class="difficulty ${escapeHtml(q.difficulty)}">${escapeHtml(q.difficulty)}</small></h2>
      <div class="description">${renderMarkdown(q.description)}</div>
      ${q.tests.length || q.hiddenTests ? `<h3>Tests</h3>${tests}` : ''}
      ${q.hiddenTests ? `<p class="muted">${q.hiddenTests} hidden test${q.hiddenTests === 1 ? '' : 's'} also run${q.hiddenTests === 1 ? 's' : ''}.</p>` : ''}`;
  }

  /** For interviewers: loads the bank (needs a signed-in interviewer) and offers its questions. */
  async enablePicker(): Promise<void> {
    const picker = this.root.querySelector<HTMLElement>('#question-picker')!;
    picker.hidden = false;
    try {
      const { data } = await api<QuestionListPage>('GET', '/api/questions?pageSize=200');
      picker.innerHTML = `<select id="question-select" aria-label="Question"><option value="">Pick a question…</option>${data.items.map((q) =>
        `<option value="${escapeHtml(q.questionId)}">${escapeHtml(q.title)} (${escapeHtml(q.difficulty ?? '')})</option>`).join('')}</select>
        <button id="question-use" type="button">Use</button> <span id="question-error" class="error" role="alert"></span>`;
      picker.querySelector('#question-use')!.addEventListener('click', async () => {
        const id = picker.querySelector<HTMLSelectElement>('#question-select')!.value;
        if (!id) return;
        try {
          this.show(await this.provider.selectQuestion(id));
          picker.querySelector('#question-error')!.textContent = '';
        } catch (e) { picker.querySelector('#question-error')!.textContent = e instanceof Error ? e.message : String(e); }
      });
    } catch (e) {
      picker.innerHTML = `<p class="muted">${escapeHtml(e instanceof Error ? e.message : String(e))} <a href="/questions">Question bank</a></p>`;
    }
  }
}
