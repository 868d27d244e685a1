import './style.css';
import { renderLobby } from './lobby';

const app = document.getElementById('app')!;
const match = /^\/r\/([0-9a-fA-F-]{32,36})\/?$/.exec(location.pathname);
const replay = /^\/replay\/([0-9a-fA-F-]{32,36})\/?$/.exec(location.pathname);
if (replay) {
  // The interview player: /replay/{roomId}#token=...&at=<revision>
  import('./replay').then(({ renderReplay }) => renderReplay(app, replay[1], location.hash.slice(1)));
} else if (/^\/questions\/?$/.test(location.pathname)) {
  import('./questions').then(({ renderQuestionBank }) => renderQuestionBank(app));
} else if (match) {
  // The room (and Monaco with it) loads only when a room is opened, so the lobby stays light.
  import('./room').then(({ renderRoom }) => renderRoom(app, match[1], location.hash.slice(1)));
} else if (location.pathname === '/signin') {
  import('./account').then(({ renderSignIn }) => renderSignIn(app));
} else if (location.pathname === '/signup') {
  import('./account').then(({ renderSignUp }) => renderSignUp(app, location.hash.slice(1)));
} else if (location.pathname === '/interviews') {
  import('./interviews').then(({ renderInterviews }) => renderInterviews(app));
} else if (/^\/interviews\/[0-9a-fA-F-]{36}\/?$/.test(location.pathname)) {
  import('./interviews').then(({ renderInterview }) => renderInterview(app, location.pathname.split('/')[2]));
} else if (location.pathname === '/admin') {
  import('./account').then(async ({ renderAdmin, currentAccount }) => renderAdmin(app, await currentAccount()));
} else {
  void renderLobby(app);
}
