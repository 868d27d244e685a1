import { LANGUAGES } from './languages';
import { api, currentAccount, isInterviewer, problemText, renderAccountBar } from './account';

interface Created { roomId: string; links: { interviewer: string; candidate: string; observer: string } }

export async function renderLobby(app: HTMLElement): Promise<void> {
  const account = await currentAccount();
  app.innerHTML = `
    <main class="lobby">
      <nav id="account" class="account-bar"></nav>
      <h1>PeerCode</h1>
      <p id="interviews-link"><a href="/interviews">Interviews</a>: schedule one, with its room, links and scorecards.</p>
      <p><a href="/questions">Question bank</a> (interviewers)</p>
      <p id="signin-needed" class="muted" hidden>Creating a room needs a signed-in interviewer: <a href="/signin">sign in</a>.
        Candidates and observers need no account: they open the link they were sent.</p>
      <form id="create">
        <label>Title <input name="title" required maxlength="200" value="Interview"></label>
        <label>Language <select name="language">${LANGUAGES.map((l) => `<option value="${l.id}">${l.label}</option>`).join('')}</select></label>
        <button type="submit">Create room</button>
      </form>
      <p id="error" class="error" role="alert"></p>
      <section id="links" hidden>
        <h2>Links</h2>
        <p>Each link opens the room with its role. Keep the interviewer link to yourself.</p>
        <ul></ul>
      </section>
    </main>`;
  renderAccountBar(app.querySelector('#account')!, account);
  const form = app.querySelector<HTMLFormElement>('#create')!;
  if (!isInterviewer(account)) {
    app.querySelector<HTMLElement>('#interviews-link')!.hidden = true;
    form.hidden = true;
    app.querySelector<HTMLElement>('#signin-needed')!.hidden = false;
  }
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    const data = new FormData(form);
    const error = app.querySelector<HTMLElement>('#error')!;
    error.textContent = '';
    const res = await api('POST', '/api/rooms', { title: data.get('title'), language: data.get('language') });
    if (!res.ok) {
      error.textContent = await problemText(res, 'The room was not created');
      return;
    }
    const created = (await res.json()) as Created;
    const section = app.querySelector<HTMLElement>('#links')!;
    section.hidden = false;
    const list = section.querySelector('ul')!;
    list.innerHTML = '';
    for (const role of ['interviewer', 'candidate', 'observer'] as const) {
      const li = document.createElement('li');
      li.innerHTML = `<span class="role">${role}</span> <input readonly class="link" data-role="${role}"> <button type="button">Copy</button> <a target="_blank">Open</a>`;
      const input = li.querySelector('input')!;
      input.value = created.links[role];
      li.querySelector('a')!.href = created.links[role];
      li.querySelector('button')!.addEventListener('click', async () => {
        input.select();
        await navigator.clipboard?.writeText(input.value).catch(() => document.execCommand('copy'));
      });
      list.append(li);
    }
  });
}
