import { LANGUAGES } from './languages';

interface Created { roomId: string; links: { interviewer: string; candidate: string; observer: string } }

export function renderLobby(app: HTMLElement): void {
  app.innerHTML = `
    <main class="lobby">
      <h1>PeerCode</h1>
      <p><a href="/questions">Question bank</a> (interviewers)</p>
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
  const form = app.querySelector<HTMLFormElement>('#create')!;
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    const data = new FormData(form);
    const error = app.querySelector<HTMLElement>('#error')!;
    error.textContent = '';
    const res = await fetch('/api/rooms', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ title: data.get('title'), language: data.get('language') }),
    });
    if (!res.ok) {
      const problem = await res.json().catch(() => ({}));
      error.textContent = problem.detail ?? `The room was not created (${res.status}).`;
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
