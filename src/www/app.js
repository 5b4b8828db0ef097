// scsaned's web page: everything comes from /api, options from the SANE
// descriptors, so a new driver needs nothing here.
'use strict';
const $ = (id) => document.getElementById(id);
let dev = null, opts = [], job = null, crop = null, previewSize = null, scanners = [];

function say(text) { $('status').textContent = text; }

async function api(method, url) {
  const r = await fetch(url, { method });
  const body = await r.json().catch(() => ({}));
  if (!r.ok) throw new Error(body.error || r.status);
  return body;
}

async function listScanners() {
  const list = await api('GET', '/api/scanners');
  scanners = list;
  const ul = $('list');
  ul.textContent = '';
  for (const s of list) {
    const li = document.createElement('li');
    const b = document.createElement('button');
    b.textContent = `${s.name}: ${s.vendor} ${s.model}`;
    const st = document.createElement('div');
    st.className = s.state;
    st.textContent = s.state === 'busy' ? `busy (${s.holder})` : 'idle';
    b.appendChild(st);
    b.dataset.name = s.name;
    b.onclick = () => choose(s.name);
    li.appendChild(b);
    ul.appendChild(li);
  }
  return list;
}

// The settings the user changed, in order, as set.NAME=VALUE arguments.
function settings() {
  const q = new URLSearchParams();
  for (const o of opts)
    if (o.changed !== undefined) q.append('set.' + o.name, o.changed);
  return q;
}

async function loadOptions() {
  const r = await api('GET', `/api/scanners/${encodeURIComponent(dev)}/options?` + settings());
  const changed = new Map(opts.filter(o => o.changed !== undefined).map(o => [o.name, o.changed]));
  opts = r.options;
  for (const o of opts) if (changed.has(o.name)) o.changed = changed.get(o.name);
  render();
  if (r.refused) say(r.refused);
}

function control(o) {
  let el;
  if (o.type === 'button') {
    el = document.createElement('button');
    el.type = 'button';
    el.textContent = o.title;
    el.onclick = () => api('POST', `/api/scanners/${encodeURIComponent(dev)}/button/${o.name}`)
      .then(() => say(o.title + ': done'), e => say(e.message));
    return el;
  }
  if (o.list) {
    el = document.createElement('select');
    for (const v of o.list) {
      const op = document.createElement('option');
      op.value = op.textContent = v;
      el.appendChild(op);
    }
  } else if (o.type === 'bool') {
    el = document.createElement('input');
    el.type = 'checkbox';
  } else {
    el = document.createElement('input');
    el.type = o.type === 'string' ? 'text' : 'number';
    if (o.range) { el.min = o.range[0]; el.max = o.range[1]; el.step = o.range[2] || 'any'; }
  }
  const v = o.changed !== undefined ? o.changed : o.value;
  if (o.type === 'bool') el.checked = v === true || v === 'yes';
  else if (v !== undefined) el.value = v;
  el.disabled = !o.active || !o.settable;
  el.onchange = () => {
    o.changed = o.type === 'bool' ? (el.checked ? 'yes' : 'no') : el.value;
    loadOptions().catch(e => say(e.message));
  };
  return el;
}

function render() {
  const form = $('options');
  form.textContent = '';
  let group = form;
  for (const o of opts) {
    if (!o.name && o.type !== 'group') continue;
    if (o.type === 'group') {
      group = document.createElement('fieldset');
      const lg = document.createElement('legend');
      lg.textContent = o.title;
      group.appendChild(lg);
      form.appendChild(group);
      continue;
    }
    if (o.table !== undefined) continue;
    const row = document.createElement('div');
    row.className = 'opt';
    const el = control(o);
    el.id = 'opt-' + o.name;
    el.title = o.desc;
    if (o.type !== 'button') {
      const lb = document.createElement('label');
      lb.htmlFor = el.id;
      lb.textContent = o.title + (o.unit ? ` (${o.unit})` : '');
      row.appendChild(lb);
    }
    row.appendChild(el);
    group.appendChild(row);
  }
  $('batch').hidden = !opts.some(o => o.name === 'frame' && o.active);
}

async function choose(name) {
  dev = name;
  opts = [];
  crop = null;
  $('crop').hidden = true;
  $('scanner').hidden = false;
  $('title').textContent = name;
  // The address an AirScan client that does not browse DNS-SD needs.
  const s = scanners.find(x => x.name === name);
  $('escl').textContent = s && s.escl ? `AirScan (eSCL) address: ${s.escl}` : '';
  location.hash = name;
  await loadOptions().catch(e => say(e.message));
}

function optValue(name) {
  const o = opts.find(x => x.name === name);
  return o ? Number(o.changed !== undefined ? o.changed : o.value) : undefined;
}

// Start a scan; resolves with the job once its image has been read.
async function runScan(format, extra, show) {
  const q = settings();
  for (const [k, v] of extra) q.set(k, v);
  q.set('format', format);
  const j = await api('POST', `/api/scanners/${encodeURIComponent(dev)}/scan?` + q);
  job = j.id;
  $('cancel').disabled = false;
  const started = Date.now();
  // Lines come from the device as it reads them; the ETA is their rate.
  const progress = (p) => {
    if (!p || !p.height) return;
    $('progress').max = p.height;
    $('progress').value = p.lines;
    const rate = p.lines / ((Date.now() - started) / 1000);
    const kib = Math.round(p.sent / 1024);
    $('eta').textContent = `${p.lines} of ${p.height} lines, ${kib} KiB of file` +
      (rate > 0 && p.lines < p.height ? `, ${Math.ceil((p.height - p.lines) / rate)} s left` : '');
  };
  const timer = setInterval(async () => {
    const p = await api('GET', '/api/jobs/' + j.id).catch(() => null);
    progress(p);
    if (p && p.state !== 'processing' && p.state !== 'pending') clearInterval(timer);
  }, 250);
  try {
    if (show) {
      // The browser draws the PNG as its rows arrive.
      await new Promise((ok, bad) => {
        const img = $('previewimg');
        img.onload = ok;
        img.onerror = () => bad(new Error('the preview failed'));
        img.src = j.image;
      });
      return null;
    }
    const r = await fetch(j.image);
    if (!r.ok) throw new Error('the scan failed');
    return await r.blob();
  } finally {
    clearInterval(timer);
    progress(await api('GET', '/api/jobs/' + j.id).catch(() => null));
    $('cancel').disabled = true;
    job = null;
  }
}

function offer(blob, name) {
  const a = document.createElement('a');
  a.href = URL.createObjectURL(blob);
  a.download = name;
  a.textContent = name;
  a.id = 'download-' + name.replace(/\W/g, '_');
  $('downloads').appendChild(a);
  $('downloads').appendChild(document.createTextNode(' '));
  return a;
}

// The crop rectangle in the options' millimetres, from the preview's pixels.
function cropSettings() {
  if (!crop || !previewSize) return [];
  const wmm = previewSize.wmm, hmm = previewSize.hmm;
  const img = $('previewimg');
  const sx = wmm / img.clientWidth, sy = hmm / img.clientHeight;
  const r = (v) => (Math.round(v * 100) / 100).toString();
  return [['set.tl-x', r(crop.x * sx)], ['set.tl-y', r(crop.y * sy)],
    ['set.br-x', r((crop.x + crop.w) * sx)], ['set.br-y', r((crop.y + crop.h) * sy)]];
}

$('preview').onclick = async () => {
  const range = (n) => { const o = opts.find(x => x.name === n); return o && o.range ? o.range[1] : 0; };
  previewSize = { wmm: range('br-x'), hmm: range('br-y') };
  const res = opts.find(o => o.name === 'resolution');
  const low = res ? (res.list ? Math.min(...res.list) : res.range[0]) : null;
  const extra = [['set.tl-x', '0'], ['set.tl-y', '0'], ['set.br-x', String(previewSize.wmm)],
    ['set.br-y', String(previewSize.hmm)]];
  if (low !== null) extra.push(['set.resolution', String(Math.max(low, res.list ? low : 50))]);
  say('previewing');
  try { await runScan('png', extra, true); say('preview done'); } catch (e) { say(e.message); }
};

$('scan').onclick = async () => {
  const fmt = $('format').value;
  say('scanning');
  try {
    const blob = await runScan(fmt, [], false);
    offer(blob, `${dev}.${fmt === 'jpeg' ? 'jpg' : fmt === 'tiff' ? 'tif' : fmt}`);
    say('scan done');
  } catch (e) { say(e.message); }
};

$('batch').onclick = async () => {
  const fo = opts.find(o => o.name === 'frame');
  const fmt = $('format').value;
  for (let f = fo.range[0]; f <= fo.range[1]; f++) {
    say(`frame ${f}`);
    try {
      const blob = await runScan(fmt, [['set.frame', String(f)]], false);
      offer(blob, `${dev}-frame${String(f).padStart(2, '0')}.${fmt === 'jpeg' ? 'jpg' : fmt === 'tiff' ? 'tif' : fmt}`);
    } catch (e) { say(`frame ${f}: ${e.message}`); break; }
  }
};

$('cancel').onclick = () => { if (job) api('DELETE', '/api/jobs/' + job).catch(() => {}); };

// Crop by dragging on the preview, with a mouse, a finger or a pen.
(function () {
  const stage = $('stage'), box = $('crop');
  let start = null;
  const at = (e) => { const r = $('previewimg').getBoundingClientRect();
    return { x: Math.max(0, Math.min(r.width, e.clientX - r.left)), y: Math.max(0, Math.min(r.height, e.clientY - r.top)) }; };
  stage.addEventListener('pointerdown', (e) => { start = at(e); stage.setPointerCapture(e.pointerId); });
  stage.addEventListener('pointermove', (e) => {
    if (!start) return;
    const p = at(e);
    crop = { x: Math.min(p.x, start.x), y: Math.min(p.y, start.y), w: Math.abs(p.x - start.x), h: Math.abs(p.y - start.y) };
    Object.assign(box.style, { left: crop.x + 'px', top: crop.y + 'px', width: crop.w + 'px', height: crop.h + 'px' });
    box.hidden = false;
  });
  // An image's own drag would cancel the pointer and end with no pointerup.
  stage.addEventListener('pointercancel', () => { start = null; });
  stage.addEventListener('pointerup', () => {
    if (!start) return;
    start = null;
    if (crop && (crop.w < 3 || crop.h < 3)) { crop = null; box.hidden = true; return; }
    // The crop becomes the geometry options, shown in their fields, where
    // the keyboard can refine it and from where every scan takes it.
    for (const [k, v] of cropSettings()) {
      const o = opts.find(x => x.name === k.slice(4));
      if (o) o.changed = v;
    }
    loadOptions().catch(e => say(e.message));
  });
})();

listScanners().then((list) => {
  const want = decodeURIComponent(location.hash.slice(1));
  if (list.some(s => s.name === want)) choose(want);
}).catch(e => say(e.message));
setInterval(() => listScanners().catch(() => {}), 3000);
