// /interviews (schedule form and the list) and /interviews/{id} (detail: links, start/end/cancel, revoke/reissue,
// scorecard once ended). Needs a signed-in interviewer; the API is /api/interviews (docs/protocol.md, Interviews).
import { LANGUAGES } from './languages';
import { api, currentAccount, isInterviewer, problemText, renderAccountBar, type Account } from './account';

interface Interview {
  interviewId: string; roomId: string; title: string; status: string; scheduledFor: string | null; candidateName: string;
  candidateEmail: string; interviewerIds: string[]; language: string; questionId: string | null; startedAt: string | null;
  endedAt: string | null; cancelledAt: string | null; cancelReason: string | null; scorecardCount: number; roomUrl: string;
}
interface Links { interviewer?: string; candidate?: string; observer?: string }
interface Rating { competency: string; rating: number }
interface Scorecard { interviewerId: string; ratings: Rating[]; recommendation: string; text: string; at: string }

const COMPETENCIES = ['Problem solving', 'Code quality', 'Communication', 'Testing'];
const RECOMMENDATIONS = [['strong-no', 'Strong no'], ['no', 'No'], ['yes', 'Yes'], ['strong-yes', 'Strong yes']];
const escape = (s: string | null | undefined) => (s ?? '').replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
const when = (t: string | null) => (t ? new Date(t).toLocaleString() : '-');

async function signedInInterviewer(app: HTMLElement): Promise<Account | null> {
  const account = await currentAccount();
  if (isInterviewer(account)) return account;
  app.innerHTML = '<main class="lobby"><h1>Interviews</h1><p class="error">Interviews are for signed-in interviewers. <a href="/signin">Sign in</a>.</p></main>';
  return null;
}

export async function renderInterviews(app: HTMLElement): Promise<void> {
  const account = await signedInInterviewer(app);
  if (!account) return;
  app.innerHTML = `
    <main class="lobby interviews">
      <nav id="account" class="account-bar"></nav>
      <h1>Interviews</h1>
      <h2>Schedule</h2>
      <form id="schedule" class="stacked">
        <label>Title <input name="title" required maxlength="200"></label>
        <label>Planned start <input name="scheduledFor" type="datetime-local"></label>
        <label>Candidate name <input name="candidateName" required maxlength="100"></label>
        <label>Candidate email <input name="candidateEmail" type="email" required></label>
        <label>Language <select name="language">${LANGUAGES.map((l) => `<option value="${l.id}">${l.label}</option>`).join('')}</select></label>
        <label>Other interviewers (account ids, comma-separated; you are always one) <input name="interviewers"></label>
        <label>Question (optional; its starter code seeds the editor) <select name="questionId" id="schedule-question"><option value="">No question</option></select></label>
        <button type="submit">Schedule</button>
      </form>
      <p id="error" class="error" role="alert"></p>
      <h2>${account.roles.includes('admin') ? 'All interviews' : 'My interviews'}</h2>
      <label>Status <select id="status-filter"><option value="">any</option><option>scheduled</option><option>in-progress</option><option>ended</option><option>cancelled</option></select></label>
      <table id="list"><thead><tr><th>Title</th><th>Candidate</th><th>Planned</th><th>Status</th></tr></thead><tbody></tbody></table>
    </main>`;
  renderAccountBar(app.querySelector('#account')!, account);
  const load = async () => {
    const status = app.querySelector<HTMLSelectElement>('#status-filter')!.value;
    const res = await api('GET', `/api/interviews${status ? `?status=${status}` : ''}`);
    if (!res.ok) { app.querySelector('#error')!.textContent = await problemText(res, 'The interviews could not be read'); return; }
    const list = (await res.json()) as Interview[];
    app.querySelector('#list tbody')!.innerHTML = list.map((i) => `<tr data-id="${i.interviewId}">
      <td><a href="/interviews/${i.interviewId}">${escape(i.title)}</a></td><td>${escape(i.candidateName)}</td>
      <td>${escape(when(i.scheduledFor))}</td><td class="status">${escape(i.status)}</td></tr>`).join('');
  };
  app.querySelector('#status-filter')!.addEventListener('change', () => void load());
  void (async () => {
    // The bank's active questions, so nobody has to copy a question id; the list is the same one /questions shows.
    const bank = await api('GET', '/api/questions?pageSize=200');
    if (!bank.ok) return;
    const { items } = (await bank.json()) as { items: { questionId: string; title: string; difficulty: string | null }[] };
    app.querySelector('#schedule-question')!.insertAdjacentHTML('beforeend', items.map((q) =>
      `<option value="${escape(q.questionId)}">${escape(q.title)}${q.difficulty ? ` (${escape(q.difficulty)})` : ''}</option>`).join(''));
  })();
  const form = app.querySelector<HTMLFormElement>('#schedule')!;
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    const data = Object.fromEntries(new FormData(form)) as Record<string, string>;
    const others = data.interviewers.split(',').map((s) => s.trim()).filter((s) => s.length > 0);
    const res = await api('POST', '/api/interviews', {
      title: data.title, candidateName: data.candidateName, candidateEmail: data.candidateEmail, language: data.language,
      scheduledFor: data.scheduledFor ? new Date(data.scheduledFor).toISOString() : null,
      interviewerIds: others.length > 0 ? [account.accountId, ...others] : null,
      questionId: data.questionId || null,
    });
    if (!res.ok) { app.querySelector('#error')!.textContent = await problemText(res, 'The interview was not scheduled'); return; }
    const created = (await res.json()) as { interviewId: string; links: Links };
    history.pushState(null, '', `/interviews/${created.interviewId}`);
    await renderInterview(app, created.interviewId, created.links);
  });
  await load();
}

/** The detail page. <paramref name="links"/> are the links just issued (only shown now: the server keeps their hashes only). */
export async function renderInterview(app: HTMLElement, id: string, links: Links = {}): Promise<void> {
  const account = await signedInInterviewer(app);
  if (!account) return;
  const res = await api('GET', `/api/interviews/${id}`);
  if (!res.ok) {
    app.innerHTML = `<main class="lobby"><p class="error">${escape(await problemText(res, 'The interview could not be read'))}</p><a href="/interviews">All interviews</a></main>`;
    return;
  }
  const i = (await res.json()) as Interview;
  const roomLink = `${location.origin}/r/${i.roomId.replace(/-/g, '')}`;
  app.innerHTML = `
    <main class="lobby interviews">
      <nav id="account" class="account-bar"></nav>
      <p><a href="/interviews">All interviews</a></p>
      <h1>${escape(i.title)}</h1>
      <p>Status: <b id="status">${escape(i.status)}</b>${i.cancelReason ? ` (${escape(i.cancelReason)})` : ''}.
        Candidate ${escape(i.candidateName)} &lt;${escape(i.candidateEmail)}&gt;, ${escape(i.language)}, planned ${escape(when(i.scheduledFor))}.</p>
      <p>
        <button type="button" id="start" ${i.status === 'scheduled' ? '' : 'hidden'}>Start</button>
        <button type="button" id="end" ${i.status === 'in-progress' ? '' : 'hidden'}>End</button>
        <button type="button" id="cancel" ${i.status === 'scheduled' || i.status === 'in-progress' ? '' : 'hidden'}>Cancel</button>
        <a href="/api/rooms/${i.roomId}/replay/summary.html" target="_blank">Summary</a>
      </p>
      <p id="error" class="error" role="alert"></p>
      <h2>Links</h2>
      <p class="muted">Links are shown once, when issued: the server keeps only their hashes. Reissue one to get a new link (the old one stops working).</p>
      <ul id="links">
        ${linkRow('interviewer', links.interviewer ?? roomLink, false)}
        ${linkRow('candidate', links.candidate, true)}
        ${linkRow('observer', links.observer, true)}
      </ul>
      <section id="scorecard" ${i.status === 'ended' ? '' : 'hidden'}>
        <h2>My scorecard</h2>
        <form id="scorecard-form" class="stacked">
          ${COMPETENCIES.map((c) => `<label>${escape(c)} <select name="rating" data-competency="${escape(c)}">
            ${[1, 2, 3, 4].map((r) => `<option value="${r}">${r} ${['poor', 'mixed', 'good', 'excellent'][r - 1]}</option>`).join('')}</select></label>`).join('')}
          <label>Recommendation <select name="recommendation">${RECOMMENDATIONS.map(([v, l]) => `<option value="${v}">${l}</option>`).join('')}</select></label>
          <label>Notes <textarea name="text" rows="5" maxlength="10000"></textarea></label>
          <button type="submit">Save scorecard</button>
        </form>
        <p id="scorecard-saved" class="muted" hidden>Saved.</p>
        <h2>All scorecards</h2>
        <ul id="scorecards"></ul>
      </section>
    </main>`;
  renderAccountBar(app.querySelector('#account')!, account);
  const error = app.querySelector('#error')!;
  const act = async (method: string, url: string, body?: unknown): Promise<Response | null> => {
    error.textContent = '';
    const r = await api(method, url, body);
    if (!r.ok) { error.textContent = await problemText(r, 'That did not work'); return null; }
    return r;
  };
  for (const step of ['start', 'end'] as const)
    app.querySelector(`#${step}`)!.addEventListener('click', async () => { if (await act('POST', `/api/interviews/${id}/${step}`)) await renderInterview(app, id, links); });
  app.querySelector('#cancel')!.addEventListener('click', async () => {
    const reason = prompt('Why is the interview cancelled? (optional)') ?? undefined;
    if (await act('POST', `/api/interviews/${id}/cancel`, { reason })) await renderInterview(app, id, links);
  });
  for (const li of app.querySelectorAll<HTMLElement>('#links li')) {
    const role = li.dataset.role!;
    li.querySelector('.copy')?.addEventListener('click', async () => {
      const input = li.querySelector('input')!;
      input.select();
      await navigator.clipboard?.writeText(input.value).catch(() => document.execCommand('copy'));
    });
    li.querySelector('.revoke')?.addEventListener('click', async () => {
      if (await act('POST', `/api/interviews/${id}/links/${role}/revoke`)) await renderInterview(app, id, { ...links, [role]: undefined });
    });
    li.querySelector('.reissue')?.addEventListener('click', async () => {
      const expiry = li.querySelector<HTMLInputElement>('.expiry')!.value;
      const r = await act('POST', `/api/interviews/${id}/links/${role}/reissue`, { expiresAt: expiry ? new Date(expiry).toISOString() : null });
      if (r) await renderInterview(app, id, { ...links, [role]: ((await r.json()) as { link: string }).link });
    });
  }
  if (i.status === 'ended') await loadScorecards(app, id, account);
}

function linkRow(role: string, link: string | undefined, revocable: boolean): string {
  return `<li data-role="${role}"><span class="role">${role}</span>
    ${link ? `<input readonly class="link" value="${escape(link)}"> <button type="button" class="copy">Copy</button>` : '<span class="muted">not shown (reissue for a new one)</span>'}
    ${revocable ? `<button type="button" class="revoke">Revoke</button>
      <label class="muted">expires <input type="datetime-local" class="expiry"></label> <button type="button" class="reissue">Reissue</button>` : ''}</li>`;
}

async function loadScorecards(app: HTMLElement, id: string, account: Account): Promise<void> {
  const form = app.querySelector<HTMLFormElement>('#scorecard-form')!;
  const mine = await api('GET', `/api/interviews/${id}/scorecard`);
  if (mine.ok) {
    const card = (await mine.json()) as Scorecard;
    for (const r of card.ratings) {
      const select = form.querySelector<HTMLSelectElement>(`select[data-competency="${CSS.escape(r.competency)}"]`);
      if (select) select.value = String(r.rating);
    }
    (form.elements.namedItem('recommendation') as HTMLSelectElement).value = card.recommendation;
    (form.elements.namedItem('text') as HTMLTextAreaElement).value = card.text;
  }
  form.onsubmit = async (e) => {
    e.preventDefault();
    const ratings = [...form.querySelectorAll<HTMLSelectElement>('select[data-competency]')].map((s) => ({ competency: s.dataset.competency!, rating: Number(s.value) }));
    const res = await api('PUT', `/api/interviews/${id}/scorecard`, {
      ratings,
      recommendation: (form.elements.namedItem('recommendation') as HTMLSelectElement).value,
      text: (form.elements.namedItem('text') as HTMLTextAreaElement).value,
    });
    if (!res.ok) { app.querySelector('#error')!.textContent = await problemText(res, 'The scorecard was not saved'); return; }
    app.querySelector<HTMLElement>('#scorecard-saved')!.hidden = false;
    await loadScorecards(app, id, account);
  };
  const all = await api('GET', `/api/interviews/${id}/scorecards`);
  if (!all.ok) return;
  const cards = (await all.json()) as Scorecard[];
  app.querySelector('#scorecards')!.innerHTML = cards.length === 0 ? '<li class="muted">None yet.</li>' : cards.map((c) => `<li>
    <b>${c.interviewerId === account.accountId ? 'You' : escape(c.interviewerId)}</b>: ${escape(RECOMMENDATIONS.find(([v]) => v === c.recommendation)?.[1] ?? c.recommendation)}
    (${c.ratings.map((r) => `${escape(r.competency)} ${r.rating}`).join(', ')})${c.text ? `<br>${escape(c.text)}` : ''}</li>`).join('');
}
