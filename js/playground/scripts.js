// "Save as script": the code in the editor saved as a stored script of the token's
// (POST /flow/scripts), the token's scripts listed (GET /flow/scripts), one opened
// into the editor (GET /flow/scripts/{id}) or saved as its next version
// (PUT /flow/scripts/{id}), and the URL that runs it without code or token
// (GET/POST /flow/codeblock/{id}) shown and copied.

import { t } from './i18n.js';

const $ = (id) => document.getElementById(id);

// The call URL of a stored script: what webhooks and forms are given.
export function scriptUrl(id) {
  return new URL(`/flow/codeblock/${encodeURIComponent(id)}`, location.href).href;
}

async function api(method, path, headers, body) {
  const response = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  const data = await response.json().catch(() => null);
  if (!response.ok || data === null || data.success === false) {
    const message = data?.error?.message ?? data?.message ?? t('error.http', { status: response.status });
    throw Object.assign(new Error(message), { status: response.status });
  }
  return data.data ?? data;
}

// `editor` gives the code and takes it: { code(), setCode(text), headers(), toBase64(text) }.
export function setupScripts(editor) {
  let current = null; // { id, version } of the script open in the editor
  let state = null; // what showState last showed, for a change of language

  function showState(key, params = {}, cls = 'hint') {
    state = [key, params, cls];
    $('script-state').textContent = t(key, params);
    $('script-state').className = cls;
  }

  function showCurrent() {
    $('script-url-row').hidden = current === null;
    $('save-version').hidden = current === null;
    if (current !== null) $('script-url').textContent = scriptUrl(current.id);
  }

  async function copy(text, button) {
    try {
      await navigator.clipboard.writeText(text);
      button.textContent = t('copy.done');
    } catch {
      button.textContent = t('copy.selected');
    }
    setTimeout(() => { button.textContent = t('scripts.copyUrl'); }, 1500);
  }

  function item(script) {
    const li = document.createElement('li');
    li.dataset.id = script.id;
    li.dataset.version = script.version;
    const name = document.createElement('span');
    name.className = 'name';
    name.textContent = script.description || script.id;
    const version = document.createElement('span');
    version.className = 'version';
    version.textContent = t('scripts.version', { version: script.version });
    const open = document.createElement('button');
    open.type = 'button';
    open.className = 'small open';
    open.textContent = t('scripts.open');
    open.addEventListener('click', () => openScript(script.id));
    const copyUrl = document.createElement('button');
    copyUrl.type = 'button';
    copyUrl.className = 'small copy-url';
    copyUrl.textContent = t('scripts.copyUrl');
    copyUrl.addEventListener('click', () => copy(scriptUrl(script.id), copyUrl));
    li.append(name, version, open, copyUrl);
    return li;
  }

  async function list() {
    try {
      const data = await api('GET', '/flow/scripts?size=100', editor.headers());
      const scripts = data.scripts ?? [];
      $('scripts').replaceChildren(...scripts.map(item));
      if (scripts.length) showState('scripts.listed', { count: scripts.length });
      else showState('scripts.empty');
    } catch (err) {
      showState('scripts.failed', { reason: err.message }, 'hint bad');
    }
  }

  async function save({ asVersion }) {
    const body = { code_base64: editor.toBase64(editor.code()), description: $('script-description').value.trim() };
    try {
      const data = asVersion
        ? await api('PUT', `/flow/scripts/${encodeURIComponent(current.id)}`, editor.headers(), body)
        : await api('POST', '/flow/scripts', editor.headers(), body);
      current = { id: data.script_id ?? data.id, version: data.version };
      showCurrent();
      showState('scripts.saved', { version: current.version }, 'hint ok');
      await list();
      showState('scripts.saved', { version: current.version }, 'hint ok');
    } catch (err) {
      showState('scripts.failed', { reason: err.message }, 'hint bad');
    }
  }

  async function openScript(id) {
    try {
      const data = await api('GET', `/flow/scripts/${encodeURIComponent(id)}`, editor.headers());
      const versions = data.data ?? [];
      const latest = versions.find((v) => v.version === data.current_version) ?? versions[0];
      editor.setCode(editor.fromBase64(latest.code_base64));
      $('script-description').value = latest.description ?? '';
      current = { id, version: latest.version };
      showCurrent();
      showState('scripts.opened', { version: latest.version }, 'hint ok');
    } catch (err) {
      showState('scripts.failed', { reason: err.message }, 'hint bad');
    }
  }

  $('save-script').addEventListener('click', () => save({ asVersion: false }));
  $('save-version').addEventListener('click', () => save({ asVersion: true }));
  $('list-scripts').addEventListener('click', list);
  $('copy-script-url').addEventListener('click', () => copy(scriptUrl(current.id), $('copy-script-url')));
  showCurrent();
  showState('scripts.none');

  // A change of language: the words that this panel wrote itself.
  return function retranslate() {
    showState(...state);
    $('copy-script-url').textContent = t('scripts.copyUrl');
    for (const li of $('scripts').children) {
      li.querySelector('.version').textContent = t('scripts.version', { version: li.dataset.version });
      li.querySelector('.open').textContent = t('scripts.open');
      li.querySelector('.copy-url').textContent = t('scripts.copyUrl');
    }
  };
}
