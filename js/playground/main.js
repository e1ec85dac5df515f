// The playground page: write a code block, give it input, run it against this
// service, and read the result, console logs, timing or error (with the failing
// line highlighted). The state lives in the URL fragment so a snippet can be shared;
// the API token (when auth is on) stays in this browser's localStorage only.

import { EditorView, basicSetup } from 'codemirror';
import { javascript } from '@codemirror/lang-javascript';
import { json } from '@codemirror/lang-json';
import { linter, lintGutter } from '@codemirror/lint';
import { StateEffect, StateField } from '@codemirror/state';
import { Decoration, keymap } from '@codemirror/view';
import { EXAMPLES } from './examples.js';

const $ = (id) => document.getElementById(id);
const TOKEN_KEY = 'flow-codeblock.token';

// -- the failing line ---------------------------------------------------------------

const setErrorLine = StateEffect.define();
const errorLine = StateField.define({
  create: () => Decoration.none,
  update(decorations, tr) {
    decorations = decorations.map(tr.changes);
    for (const effect of tr.effects) {
      if (!effect.is(setErrorLine)) continue;
      if (effect.value === null) return Decoration.none;
      const line = tr.state.doc.line(effect.value);
      decorations = Decoration.set([Decoration.line({ class: 'cm-error-line' }).range(line.from)]);
    }
    if (tr.docChanged) return Decoration.none; // stale once the code changes
    return decorations;
  },
  provide: (field) => EditorView.decorations.from(field),
});

// -- editors ------------------------------------------------------------------------

let inputError = null;
const jsonLinter = linter((view) => {
  const text = view.state.doc.toString();
  try {
    JSON.parse(text || '{}');
    inputError = null;
  } catch (err) {
    inputError = err.message;
    const at = /position (\d+)/.exec(err.message);
    const from = at ? Math.min(Number(at[1]), text.length) : 0;
    return [{ from, to: Math.min(from + 1, text.length), severity: 'error', message: err.message }];
  } finally {
    showInputState();
  }
  return [];
}, { delay: 150 });

const runKey = keymap.of([{ key: 'Mod-Enter', run: () => { run(); return true; }, preventDefault: true }]);
const onChange = EditorView.updateListener.of((update) => { if (update.docChanged) saveState(); });

const codeEditor = new EditorView({
  parent: $('code-editor'),
  extensions: [runKey, basicSetup, javascript(), errorLine, onChange,
    EditorView.contentAttributes.of({ 'aria-label': 'Code block' })],
});
const inputEditor = new EditorView({
  parent: $('input-editor'),
  extensions: [runKey, basicSetup, json(), jsonLinter, lintGutter(), onChange,
    EditorView.contentAttributes.of({ 'aria-label': 'Input JSON' })],
});

function setDoc(view, text) {
  view.dispatch({ changes: { from: 0, to: view.state.doc.length, insert: text } });
}

function showInputState() {
  const state = $('input-state');
  state.textContent = inputError === null ? 'valid JSON' : `invalid JSON: ${inputError}`;
  state.className = inputError === null ? 'hint ok' : 'hint bad';
  $('run').disabled = inputError !== null;
}

// -- state in the URL ----------------------------------------------------------------

function toBase64(text) {
  const bytes = new TextEncoder().encode(text);
  let binary = '';
  for (const b of bytes) binary += String.fromCharCode(b);
  return btoa(binary);
}

function toBase64Url(text) {
  return toBase64(text).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

function fromBase64Url(text) {
  const binary = atob(text.replace(/-/g, '+').replace(/_/g, '/'));
  return new TextDecoder().decode(Uint8Array.from(binary, (c) => c.charCodeAt(0)));
}

let restoring = false;
function saveState() {
  if (restoring) return;
  const params = new URLSearchParams({
    code: toBase64Url(codeEditor.state.doc.toString()),
    input: toBase64Url(inputEditor.state.doc.toString()),
  });
  history.replaceState(null, '', `#${params}`);
}

function loadState() {
  const params = new URLSearchParams(location.hash.slice(1));
  restoring = true;
  try {
    if (params.has('code')) {
      setDoc(codeEditor, fromBase64Url(params.get('code')));
      setDoc(inputEditor, params.has('input') ? fromBase64Url(params.get('input')) : '{}');
      return true;
    }
  } catch {
    // A damaged link: fall back to the first example.
  } finally {
    restoring = false;
  }
  return false;
}

function loadExample(id) {
  const example = EXAMPLES.find((e) => e.id === id) ?? EXAMPLES[0];
  setDoc(codeEditor, example.code);
  setDoc(inputEditor, JSON.stringify(example.input, null, 2));
  $('examples').value = example.id;
  clearOutput();
  saveState();
}

// -- running --------------------------------------------------------------------------

function requestBody() {
  const code = codeEditor.state.doc.toString();
  return { input: JSON.parse(inputEditor.state.doc.toString() || '{}'), codebase64: toBase64(code) };
}

function headers() {
  const token = $('token').value.trim();
  const out = { 'Content-Type': 'application/json' };
  if (token) out.Authorization = `Bearer ${token}`;
  return out;
}

function curlCommand(body) {
  const quote = (s) => `'${s.replace(/'/g, `'\\''`)}'`;
  const parts = [`curl -sS -X POST ${quote(new URL('/flow/codeblock', location.href).href)}`];
  for (const [name, value] of Object.entries(headers())) {
    parts.push(`-H ${quote(`${name}: ${name === 'Authorization' ? 'Bearer $TOKEN' : value}`)}`);
  }
  parts.push(`--data-binary ${quote(JSON.stringify(body))}`);
  return parts.join(' \\\n  ');
}

function clearOutput() {
  $('status').textContent = 'Ready';
  $('status').className = 'badge';
  $('timing').textContent = '';
  $('result').textContent = '';
  $('result-section').hidden = true;
  $('error-section').hidden = true;
  $('logs').replaceChildren();
  $('logs-section').hidden = true;
  codeEditor.dispatch({ effects: setErrorLine.of(null) });
}

function showLogs(logs) {
  const list = $('logs');
  list.replaceChildren(...(logs ?? []).map((entry) => {
    const item = document.createElement('li');
    item.className = `log ${entry.level}`;
    const level = document.createElement('span');
    level.className = 'level';
    level.textContent = entry.level;
    const message = document.createElement('span');
    message.textContent = entry.message;
    item.append(level, message);
    return item;
  }));
  $('logs-section').hidden = list.children.length === 0;
}

function showError(error) {
  $('error-section').hidden = false;
  $('error-type').textContent = error.type;
  $('error-message').textContent = error.message;
  const where = error.line ? `line ${error.line}${error.column ? `, column ${error.column}` : ''}` : '';
  $('error-location').textContent = where;
  if (error.line && error.line <= codeEditor.state.doc.lines) {
    const line = codeEditor.state.doc.line(error.line);
    codeEditor.dispatch({
      effects: [setErrorLine.of(error.line), EditorView.scrollIntoView(line.from, { y: 'center' })],
      selection: { anchor: line.from + Math.max(0, Math.min((error.column ?? 1) - 1, line.length)) },
    });
  }
}

let running = false;
async function run() {
  if (running || inputError !== null) return;
  let body;
  try {
    body = requestBody();
  } catch (err) {
    inputError = err.message;
    showInputState();
    return;
  }
  running = true;
  clearOutput();
  $('status').textContent = 'Running…';
  $('status').className = 'badge running';
  $('curl').textContent = curlCommand(body);
  const started = performance.now();
  try {
    const response = await fetch('/flow/codeblock', { method: 'POST', headers: headers(), body: JSON.stringify(body) });
    const roundTrip = performance.now() - started;
    const data = await response.json().catch(() => ({ success: false, error: { type: `HTTP ${response.status}`, message: response.statusText } }));
    $('status').textContent = data.success ? 'Success' : `Error ${response.status}`;
    $('status').className = data.success ? 'badge ok' : 'badge bad';
    const timing = data.timing ?? {};
    $('timing').textContent = [
      timing.executionTime !== undefined ? `execution ${timing.executionTime.toFixed(2)} ms` : null,
      timing.totalTime !== undefined ? `service ${timing.totalTime.toFixed(2)} ms` : null,
      `round trip ${roundTrip.toFixed(1)} ms`,
    ].filter(Boolean).join(' · ');
    showLogs(data.logs);
    if (data.success) {
      $('result-section').hidden = false;
      $('result').textContent = JSON.stringify(data.result, null, 2);
    } else {
      showError(data.error ?? { type: 'Error', message: 'no error details' });
    }
  } catch (err) {
    $('status').textContent = 'Network error';
    $('status').className = 'badge bad';
    showError({ type: 'NetworkError', message: String(err.message ?? err) });
  } finally {
    running = false;
  }
}

// -- wiring -------------------------------------------------------------------------

for (const example of EXAMPLES) {
  const option = document.createElement('option');
  option.value = example.id;
  option.textContent = example.title;
  $('examples').append(option);
}
$('examples').addEventListener('change', (event) => loadExample(event.target.value));
$('run').addEventListener('click', run);
$('token').value = localStorage.getItem(TOKEN_KEY) ?? '';
$('token').addEventListener('change', () => localStorage.setItem(TOKEN_KEY, $('token').value.trim()));
$('copy-curl').addEventListener('click', async () => {
  const text = $('curl').textContent;
  try {
    await navigator.clipboard.writeText(text);
    $('copy-curl').textContent = 'Copied';
  } catch {
    const range = document.createRange();
    range.selectNodeContents($('curl'));
    getSelection().removeAllRanges();
    getSelection().addRange(range);
    $('copy-curl').textContent = 'Selected: press Ctrl+C';
  }
  setTimeout(() => { $('copy-curl').textContent = 'Copy'; }, 1500);
});
window.addEventListener('hashchange', () => { if (loadState()) clearOutput(); });

if (!loadState()) loadExample(EXAMPLES[0].id);
$('curl').textContent = curlCommand(requestBody());
document.body.dataset.ready = 'true';
