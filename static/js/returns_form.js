// The monthly return's web form (/returns/form). The rules are the importer's alone: as the clerk
// types, the form is posted to /returns/form/check (a dry run of the import service) and every
// problem it names is put beside its field. This script only carries messages, keeps a draft in
// this browser (localStorage, per user, unit and month) and asks before leaving with unsaved input.
(function () {
  'use strict';
  var form = document.getElementById('return-form');
  if (!form) {
    return;
  }
  var key = 'ruralkpi:return-draft:' + form.getAttribute('data-draft');
  var status = document.getElementById('rf-status');
  var general = document.getElementById('rf-general');
  var dirty = false;
  var timer = null;
  var seq = 0;

  function fields() {
    return Array.prototype.filter.call(form.elements, function (el) {
      return /^(v|n|s|d|mn)_/.test(el.name || '');
    });
  }

  function snapshot() {
    var out = {};
    fields().forEach(function (el) { out[el.name] = el.value; });
    return out;
  }

  function saveDraft() {
    try {
      localStorage.setItem(key, JSON.stringify({ at: new Date().toISOString(), fields: snapshot() }));
    } catch (e) { /* storage full or disabled: the form still works */ }
  }

  function readDraft() {
    try {
      return JSON.parse(localStorage.getItem(key) || 'null');
    } catch (e) {
      return null;
    }
  }

  function message(name, text, kind) {
    var p = document.getElementById('p-' + name);
    var el = form.elements[name];
    if (p) {
      p.textContent = text;
      p.className = 'rf-problem' + (kind === 'warning' ? ' rf-warning' : '');
    }
    if (el) {
      if (text && kind === 'error') {
        el.setAttribute('aria-invalid', 'true');
      } else {
        el.removeAttribute('aria-invalid');
      }
    }
  }

  function showGeneral(list) {
    if (!general) {
      return;
    }
    var ul = general.querySelector('ul');
    ul.textContent = '';
    list.forEach(function (text) {
      var li = document.createElement('li');
      li.textContent = text;
      ul.appendChild(li);
    });
    general.hidden = list.length === 0;
  }

  function apply(res) {
    fields().forEach(function (el) { message(el.name, '', ''); });
    var left = [];
    var shown = {};
    function put(list, kind) {
      (list || []).forEach(function (p) {
        if (p.field && form.elements[p.field] && /^(v|n|s|d|mn)_/.test(p.field)) {
          var prev = shown[p.field];
          if (prev && prev.kind === 'error' && kind === 'warning') {
            return;
          }
          var text = prev && prev.kind === kind ? prev.text + ' ' + p.message : p.message;
          shown[p.field] = { kind: kind, text: text };
          message(p.field, text, kind);
        } else if (kind === 'error') {
          left.push(p.message);
        }
      });
    }
    put(res.errors, 'error');
    put(res.warnings, 'warning');
    showGeneral(left);
    var n = (res.errors || []).length;
    var w = (res.warnings || []).length;
    status.textContent = n ? '有 ' + n + ' 处需要修改，已标在对应栏目下。' :
      '目前填写的内容检查通过' + (w ? '（' + w + ' 处请核实）' : '') + '。';
    status.className = 'rf-status' + (n ? ' rf-status-bad' : ' rf-status-ok');
  }

  function check() {
    var my = ++seq;
    var body = new URLSearchParams(new FormData(form));
    body.delete('action');
    fetch(form.getAttribute('data-check'), {
      method: 'POST', body: body, credentials: 'same-origin', headers: { Accept: 'application/json' }
    }).then(function (r) {
      return r.json();
    }).then(function (res) {
      if (my === seq && res && typeof res.ok === 'boolean') {
        apply(res);
      }
    }).catch(function () {
      if (my === seq) {
        status.textContent = '暂时无法检查，提交时会再次检查。';
      }
    });
  }

  function changed() {
    dirty = true;
    saveDraft();
    var confirm = document.getElementById('rf-submit');
    if (confirm) {
      confirm.disabled = true;
      document.getElementById('rf-stale').hidden = false;
    }
    clearTimeout(timer);
    timer = setTimeout(check, 400);
  }

  form.addEventListener('input', changed);
  form.addEventListener('change', changed);
  var sent = false;
  form.addEventListener('submit', function (e) {
    // A second click while the first post is on its way sends nothing (the server also stores one
    // version for the same form posted twice).
    if (sent) {
      e.preventDefault();
      return;
    }
    sent = true;
    dirty = false;
    if (e.submitter && e.submitter.value === 'submit') {
      try { localStorage.removeItem(key); } catch (err) { /* nothing to clear */ }
    }
  });
  window.addEventListener('pageshow', function (e) {
    if (e.persisted) {
      sent = false; // back to the page from the browser's cache: it may be sent again
    }
  });
  window.addEventListener('beforeunload', function (e) {
    if (dirty) {
      e.preventDefault();
      e.returnValue = '';
    }
  });

  var draft = readDraft();
  if (form.getAttribute('data-posted')) {
    saveDraft(); // what was typed and posted stays a draft until it is stored
  } else if (draft && draft.fields) {
    var now = snapshot();
    var differs = Object.keys(draft.fields).some(function (k) {
      return Object.prototype.hasOwnProperty.call(now, k) && now[k] !== draft.fields[k];
    });
    if (differs) {
      Object.keys(draft.fields).forEach(function (k) {
        if (form.elements[k]) {
          form.elements[k].value = draft.fields[k];
        }
      });
      dirty = true;
      var box = document.getElementById('rf-draft');
      document.getElementById('rf-draft-text').textContent =
        '已恢复本机保存的未提交草稿（' + String(draft.at || '').replace('T', ' ').slice(0, 16) + '）。';
      box.hidden = false;
      document.getElementById('rf-draft-discard').addEventListener('click', function () {
        try { localStorage.removeItem(key); } catch (err) { /* nothing to clear */ }
        dirty = false;
        window.location.reload();
      });
      check();
    }
  }
})();
