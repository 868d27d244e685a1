// Produces the golden Yjs v1 updates used by YjsUpdateStatsTests (run: NODE_PATH=<dir with yjs> node yjs-updates.mjs).
// Each line: name, base64 update, characters inserted, items deleted, as yjs itself reports them.
import * as Y from 'yjs';

const doc = new Y.Doc();
doc.clientID = 7;
const text = doc.getText('monaco');
const updates = [];
doc.on('update', (u) => updates.push(u));

const step = (name, f, inserted, deleted) => {
  updates.length = 0;
  doc.transact(f);
  const merged = Y.mergeUpdates(updates);
  console.log(JSON.stringify({ name, update: Buffer.from(merged).toString('base64'), inserted, deleted }));
};

step('insert-hello-world', () => text.insert(0, 'hello world'), 11, 0);
step('delete-five', () => text.delete(0, 5), 0, 5);
step('insert-emoji', () => text.insert(0, '😀ab'), 4, 0);
step('paste-150', () => text.insert(2, 'x'.repeat(150)), 150, 0);
step('replace-selection', () => { text.delete(0, 10); text.insert(0, 'def main():'); }, 11, 10);
step('format-and-map', () => { doc.getMap('meta').set('language', 'python'); text.format(0, 3, { bold: true }); }, 0, 0);
