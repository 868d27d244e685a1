// The question bank (/questions): the list with filters and paging, and a form to create or edit a question
// (Markdown description with preview, starter code per language, test cases with a hidden checkbox), archive/restore.
// Signed-in interviewers only: the API answers 401/403 otherwise, and the page says so.
import { api, ApiError } from './api';
import { escapeHtml, renderMarkdown } from './markdown';
import { LANGUAGES } from './languages';

export interface QuestionTest { name: string; stdin: string; expectedStdout: string; hidden: boolean }
export interface QuestionDetails {
  questionId: string; version: number; title: string; difficulty: string; categories: string[]; tags: string[];
  description: string; starterCode: Record<string, string>; tests: QuestionTest[]; archived: boolean;
}
export interface QuestionListItem {
  questionId: string; version: number; title: string; difficulty: string | null; categories: string[]; tags: string[];
  languages: string[]; testCount: number; hiddenTestCount: number; archived: boolean; timesUsed: number; passRate: number | null;
}
export interface QuestionListPage { page: number; pageSize: number; total: number; items: QuestionListItem[] }

const PAGE_SIZE = 20;
const runnable = LANGUAGES.filter((l) => !['kotlin', 'sql', 'plaintext'].includes(l.id));

export function renderQuestionBank(app: HTMLElement): void {
  app.innerHTML = `
    <main class="bank">
      <header><h1>Question bank</h1> <a href="/">Rooms</a> <button id="new" type="button">New question</button></header>
      <form id="filters" class="filters">
        <input name="text" placeholder="Search title, category, tag" aria-label="Search">
        <select name="difficulty" aria-label="Difficulty"><option value="">Any difficulty</option><option>easy</option><option>medium</option><option>hard</option></select>
        <input name="category" placeholder="Category" aria-label="Category">
        <input name="tag" placeholder="Tag" aria-label="Tag">
        <label><input type="checkbox" name="includeArchived"> archived too</label>
        <button type="submit">Filter</button>
      </form>
      <p id="bank-error" class="error" role="alert"></p>
      <table id="question-list"><thead><tr><th>Title</th><th>Difficulty</th><th>Categories</th><th>Tags</th><th>Tests</th><th>Used</th><th></th></tr></thead><tbody></tbody></table>
      <nav class="pager"><button id="prev" type="button">Previous</button> <span id="page-info"></span> <button id="next" type="button">Next</button></nav>
      <section id="editor-pane" hidden></section>
    </main>`;
  const $ = <T extends HTMLElement>(sel: string) => app.querySelector<T>(sel)!;
  let page = 1;
  let total = 0;

  const showError = (e: unknown) => { $('#bank-error').textContent = e instanceof Error ? e.message : String(e); };

  async function load(): Promise<void> {
    $('#bank-error').textContent = '';
    const form = new FormData($<HTMLFormElement>('#filters'));
    const query = new URLSearchParams({ page: String(page), pageSize: String(PAGE_SIZE) });
    for (const key of ['text', 'difficulty', 'category', 'tag']) { const v = String(form.get(key) ?? '').trim(); if (v) query.set(key, v); }
    if (form.get('includeArchived')) query.set('includeArchived', 'true');
    try {
      const { data } = await api<QuestionListPage>('GET', `/api/questions?${query}`);
      total = data.total;
      $('#question-list').querySelector('tbody')!.innerHTML = data.items.map((q) => `
        <tr class="${q.archived ? 'archived' : ''}" data-id="${escapeHtml(q.questionId)}">
          <td><a href="#" data-edit>${escapeHtml(q.title)}</a>${q.archived ? ' <small>(archived)</small>' : ''}</td>
          <td>${escapeHtml(q.difficulty ?? '')}</td><td>${escapeHtml(q.categories.join(', '))}</td><td>${escapeHtml(q.tags.join(', '))}</td>
          <td>${q.testCount}${q.hiddenTestCount ? ` (${q.hiddenTestCount} hidden)` : ''}</td><td>${q.timesUsed}</td>
          <td><button type="button" data-status>${q.archived ? 'Restore' : 'Archive'}</button></td>
        </tr>`).join('') || '<tr><td colspan="7" class="muted">No questions match.</td></tr>';
      $('#page-info').textContent = `page ${page} of ${Math.max(1, Math.ceil(total / PAGE_SIZE))} (${total})`;
      $<HTMLButtonElement>('#prev').disabled = page <= 1;
      $<HTMLButtonElement>('#next').disabled = page * PAGE_SIZE >= total;
    } catch (e) { showError(e); }
  }

  $('#filters').addEventListener('submit', (e) => { e.preventDefault(); page = 1; void load(); });
  $('#prev').addEventListener('click', () => { page--; void load(); });
  $('#next').addEventListener('click', () => { page++; void load(); });
  $('#new').addEventListener('click', () => openEditor(null));
  $('#question-list').addEventListener('click', async (e) => {
    const target = e.target as HTMLElement;
    const id = target.closest('tr')?.dataset.id;
    if (!id) return;
    e.preventDefault();
    try {
      if (target.matches('[data-edit]')) openEditor((await api<QuestionDetails>('GET', `/api/questions/${id}`)).data);
      else if (target.matches('[data-status]')) {
        await api('POST', `/api/questions/${id}/${target.textContent === 'Restore' ? 'restore' : 'archive'}`);
        await load();
      }
    } catch (err) { showError(err); }
  });

  function openEditor(question: QuestionDetails | null): void {
    const pane = $('#editor-pane');
    pane.hidden = false;
    const q = question ?? { questionId: '', version: -1, title: '', difficulty: 'easy', categories: [], tags: [], description: '', starterCode: {}, tests: [], archived: false };
    pane.innerHTML = `
      <h2>${question ? 'Edit question' : 'New question'}</h2>
      <form id="question-form" class="question-form">
        <label>Title <input name="title" required maxlength="200" value="${escapeHtml(q.title)}"></label>
        <label>Difficulty <select name="difficulty">${['easy', 'medium', 'hard'].map((d) => `<option ${d === q.difficulty ? 'selected' : ''}>${d}</option>`).join('')}</select></label>
        <label>Categories (comma-separated) <input name="categories" value="${escapeHtml(q.categories.join(', '))}"></label>
        <label>Tags (comma-separated) <input name="tags" value="${escapeHtml(q.tags.join(', '))}"></label>
        <div class="description">
          <label>Description (Markdown) <textarea name="description" rows="8">${escapeHtml(q.description)}</textarea></label>
          <div><span class="muted">Preview</span><div id="preview" class="markdown"></div></div>
        </div>
        <fieldset><legend>Starter code</legend>
          ${runnable.map((l) => `<details ${q.starterCode[l.id] ? 'open' : ''}><summary>${escapeHtml(l.label)}</summary>
            <textarea data-language="${l.id}" rows="6" spellcheck="false">${escapeHtml(q.starterCode[l.id] ?? '')}</textarea></details>`).join('')}
        </fieldset>
        <fieldset><legend>Test cases</legend>
          <table id="tests"><thead><tr><th>Name</th><th>stdin</th><th>Expected stdout</th><th>Hidden</th><th></th></tr></thead><tbody></tbody></table>
          <button type="button" id="add-test">Add test</button>
        </fieldset>
        <p id="form-error" class="error" role="alert"></p>
        <button type="submit">Save</button> <button type="button" id="cancel">Close</button>
      </form>`;
    const form = pane.querySelector<HTMLFormElement>('#question-form')!;
    const tbody = pane.querySelector('#tests tbody')!;
    const addTest = (t: QuestionTest) => {
      const tr = document.createElement('tr');
      tr.innerHTML = `<td><input data-f="name" maxlength="100"></td><td><textarea data-f="stdin" rows="2"></textarea></td>
        <td><textarea data-f="expectedStdout" rows="2"></textarea></td><td><input type="checkbox" data-f="hidden"></td>
        <td><button type="button" data-remove>Remove</button></td>`;
      tr.querySelector<HTMLInputElement>('[data-f=name]')!.value = t.name;
      tr.querySelector<HTMLTextAreaElement>('[data-f=stdin]')!.value = t.stdin;
      tr.querySelector<HTMLTextAreaElement>('[data-f=expectedStdout]')!.value = t.expectedStdout;
      tr.querySelector<HTMLInputElement>('[data-f=hidden]')!.checked = t.hidden;
      tr.querySelector('[data-remove]')!.addEventListener('click', () => tr.remove());
      tbody.append(tr);
    };
    q.tests.forEach(addTest);
    pane.querySelector('#add-test')!.addEventListener('click', () => addTest({ name: `test ${tbody.children.length + 1}`, stdin: '', expectedStdout: '', hidden: false }));
    const description = form.elements.namedItem('description') as HTMLTextAreaElement;
    const preview = () => { pane.querySelector('#preview')!.innerHTML = renderMarkdown(description.value); };
    description.addEventListener('input', preview);
    preview();
    pane.querySelector('#cancel')!.addEventListener('click', () => { pane.hidden = true; pane.innerHTML = ''; });
    let version = q.version;
    form.addEventListener('submit', async (e) => {
      e.preventDefault();
      const data = new FormData(form);
      const list = (name: string) => String(data.get(name) ?? '').split(',').map((s) => s.trim()).filter(Boolean);
      const starterCode: Record<string, string> = {};
      pane.querySelectorAll<HTMLTextAreaElement>('textarea[data-language]').forEach((t) => { if (t.value) starterCode[t.dataset.language!] = t.value; });
      const tests = [...tbody.querySelectorAll('tr')].map((tr) => ({
        name: tr.querySelector<HTMLInputElement>('[data-f=name]')!.value,
        stdin: tr.querySelector<HTMLTextAreaElement>('[data-f=stdin]')!.value,
        expectedStdout: tr.querySelector<HTMLTextAreaElement>('[data-f=expectedStdout]')!.value,
        hidden: tr.querySelector<HTMLInputElement>('[data-f=hidden]')!.checked,
      }));
      const body = { title: data.get('title'), difficulty: data.get('difficulty'), categories: list('categories'), tags: list('tags'), description: description.value, starterCode, tests };
      try {
        const saved = question
          ? await api<QuestionDetails>('PUT', `/api/questions/${question.questionId}`, body, { 'If-Match': `"${version}"` })
          : await api<QuestionDetails>('POST', '/api/questions', body);
        version = saved.data.version;
        pane.hidden = true;
        pane.innerHTML = '';
        await load();
      } catch (err) {
        const errors = err instanceof ApiError && Array.isArray(err.problem.errors) ? (err.problem.errors as { field: string | null; message: string }[]) : null;
        pane.querySelector('#form-error')!.innerHTML = errors
          ? `<ul>${errors.map((x) => `<li>${x.field ? `<b>${escapeHtml(x.field)}</b>: ` : ''}${escapeHtml(x.message)}</li>`).join('')}</ul>`
          : escapeHtml(err instanceof Error ? err.message : String(err));
      }
    });
  }

  void load();
}
