// The public verification page (issue 14.4): plain script, no framework, nothing from elsewhere.
'use strict';

(function () {
  const API = '/api/v1/public/validations';
  const POLL_MS = 1000;
  const POLL_LIMIT = 90;

  const UI = {
    vi: {
      skip: 'Bỏ qua, tới nội dung chính',
      title: 'Kiểm tra chữ ký số trên văn bản PDF',
      intro:
        'Chọn hoặc kéo thả một tệp PDF để biết chữ ký số trên đó có hợp lệ không, ai đã ký và văn bản có bị thay đổi sau khi ký không.',
      choose: 'Chọn tệp PDF',
      dropHelp: 'hoặc kéo thả tệp vào khung này. Kiểm tra bắt đầu ngay khi chọn tệp.',
      keep: 'Tạo đường dẫn để xem lại kết quả này (giữ 30 ngày)',
      privacy:
        'Tệp của bạn không được lưu lại: Kyso chỉ giữ mã băm SHA-256 của tệp và kết quả kiểm tra làm bằng chứng.',
      other: 'English',
      otherLang: 'en',
      checking: 'Đang kiểm tra tệp…',
      file: 'Tệp',
      download: 'Tải phiếu kết quả (PDF)',
      link: 'Đường dẫn xem lại kết quả (giữ đến {t}):',
      reasons: 'Lý do',
      tooLarge: 'Tệp quá lớn để kiểm tra tại đây.',
      notPdf: 'Tệp này không phải là tệp PDF.',
      empty: 'Tệp rỗng.',
      tooMany: 'Bạn đã gửi quá nhiều tệp. Vui lòng thử lại sau {s} giây.',
      notFound: 'Không tìm thấy kết quả (đường dẫn sai hoặc đã hết hạn).',
      failed: 'Không kiểm tra được tệp này.',
      unavailable: 'Dịch vụ kiểm tra đang bận hoặc gián đoạn. Vui lòng thử lại sau.',
      slow: 'Việc kiểm tra lâu hơn dự kiến. Vui lòng thử lại sau.',
    },
    en: {
      skip: 'Skip to the main content',
      title: 'Verify the digital signatures of a PDF',
      intro:
        'Choose or drop a PDF file to learn whether its digital signatures are valid, who signed, and whether the document was changed after signing.',
      choose: 'Choose a PDF file',
      dropHelp: 'or drop the file on this box. Checking starts as soon as a file is chosen.',
      keep: 'Make a link to see this result again (kept 30 days)',
      privacy: 'Your file is not kept: Kyso keeps only its SHA-256 digest and the result, as evidence.',
      other: 'Tiếng Việt',
      otherLang: 'vi',
      checking: 'Checking the file…',
      file: 'File',
      download: 'Download the report (PDF)',
      link: 'Link to this result (kept until {t}):',
      reasons: 'Reasons',
      tooLarge: 'The file is too large to be checked here.',
      notPdf: 'This file is not a PDF.',
      empty: 'The file is empty.',
      tooMany: 'Too many files sent. Please try again in {s} seconds.',
      notFound: 'No result found (the link is wrong or has expired).',
      failed: 'This file could not be checked.',
      unavailable: 'The verification service is busy or unavailable. Please try again later.',
      slow: 'The check is taking longer than expected. Please try again later.',
    },
  };
  const SYMBOL = { valid: '✔', invalid: '✘', indeterminate: '?' };

  let lang = 'vi';
  /** What is shown: an answer of the API, or an error message key, with the file name. */
  let shown = null;

  const $ = (id) => document.getElementById(id);
  const result = $('result');

  function el(tag, attrs, ...children) {
    const e = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) e.setAttribute(k, v);
    for (const c of children) if (c !== null && c !== undefined) e.append(c);
    return e;
  }

  function fill(text, values) {
    return text.replace(/\{(\w+)\}/g, (_, k) => String(values[k]));
  }

  function applyLanguage() {
    const t = UI[lang];
    document.documentElement.lang = lang;
    document.title = `${t.title} — Kyso`;
    for (const e of document.querySelectorAll('[data-t]')) e.textContent = t[e.dataset.t];
    const button = $('lang');
    button.textContent = t.other;
    button.lang = t.otherLang;
    render();
  }

  function fields(pairs) {
    const dl = el('dl');
    for (const [label, value] of pairs) dl.append(el('dt', {}, label), el('dd', {}, value));
    return dl;
  }

  function reasons(list, t) {
    if (!list.length) return null;
    return el(
      'div',
      { class: 'reasons' },
      el('strong', {}, `${t.reasons}:`),
      el('ul', {}, ...list.map((r) => el('li', {}, r))),
    );
  }

  function renderAnswer(a) {
    const t = UI[lang];
    const r = a.readable[lang];
    const verdict = el(
      'div',
      { class: `verdict ${r.mark}`, id: 'verdict' },
      el('h2', {}, el('span', { class: 'mark', 'aria-hidden': 'true' }, `${SYMBOL[r.mark]} `), r.markText),
      el('p', { id: 'conclusion' }, r.conclusion),
    );
    result.append(verdict, fields(r.facts));
    const docReasons = reasons(r.reasons, t);
    if (docReasons) result.append(docReasons);
    r.signatures.forEach((s) => {
      result.append(
        el(
          'article',
          { class: `signature ${s.mark}` },
          el(
            'h3',
            {},
            `${s.heading}: `,
            el('span', { class: 'mark' }, el('span', { 'aria-hidden': 'true' }, `${SYMBOL[s.mark]} `), s.markText),
          ),
          fields(s.fields),
          reasons(s.reasons, t),
        ),
      );
    });
    const token = encodeURIComponent(a.link.token);
    const actions = el(
      'p',
      { class: 'actions' },
      el('a', { href: `${API}/${token}/report.pdf?lang=${lang}`, download: '', id: 'download' }, t.download),
    );
    result.append(actions);
    if (a.link.kept) {
      const url = `${location.origin}/verify#r=${a.link.token}`;
      const until = new Date(a.link.expiresAt).toLocaleDateString(lang === 'vi' ? 'vi-VN' : 'en-GB');
      result.append(el('p', {}, fill(t.link, { t: until }), ' ', el('a', { href: url, id: 'share' }, url)));
    }
  }

  function render() {
    result.replaceChildren();
    if (!shown) return;
    const t = UI[lang];
    if (shown.file) result.append(el('p', {}, `${t.file}: `, el('strong', {}, shown.file)));
    if (shown.busy) result.append(el('p', { id: 'status' }, t.checking));
    else if (shown.error) result.append(el('p', { class: 'error', role: 'alert' }, fill(t[shown.error], shown)));
    else if (shown.answer) renderAnswer(shown.answer);
  }

  function show(state) {
    shown = state;
    result.setAttribute('aria-busy', state.busy ? 'true' : 'false');
    render();
  }

  /** The message for a failed call, by status and problem code. */
  async function errorOf(res) {
    let code = '';
    try {
      code = (await res.json()).code || '';
    } catch (_) {
      // not problem+json: the status decides
    }
    if (res.status === 413) return { error: 'tooLarge' };
    if (res.status === 429) return { error: 'tooMany', s: res.headers.get('retry-after') || '60' };
    if (code === 'EMPTY_FILE') return { error: 'empty' };
    if (res.status === 422 || code === 'INVALID_PDF') return { error: 'notPdf' };
    if (res.status === 404) return { error: 'notFound' };
    if (res.status >= 500) return { error: 'unavailable' };
    return { error: 'failed' };
  }

  async function settle(res, file) {
    if (res.status !== 200 && res.status !== 202) return show({ file, ...(await errorOf(res)) });
    let answer = await res.json();
    for (let i = 0; answer.status === 'pending' && i < POLL_LIMIT; i++) {
      await new Promise((r) => setTimeout(r, POLL_MS));
      const next = await fetch(`${API}/${encodeURIComponent(answer.link.token)}`);
      if (next.status !== 200) return show({ file, ...(await errorOf(next)) });
      answer = await next.json();
    }
    if (answer.status === 'pending') return show({ file, error: 'slow' });
    if (answer.status !== 'done') return show({ file, error: 'failed' });
    show({ file, answer });
    result.focus();
  }

  async function check(file) {
    if (!file) return;
    show({ file: file.name, busy: true });
    const body = new FormData();
    body.append('file', file, file.name);
    try {
      const res = await fetch(`${API}/pdf?keep=${$('keep').checked ? 'true' : 'false'}`, { method: 'POST', body });
      await settle(res, file.name);
    } catch (_) {
      show({ file: file.name, error: 'unavailable' });
    }
  }

  const input = $('file');
  input.addEventListener('change', () => {
    check(input.files[0]);
    input.value = '';
  });
  const drop = $('drop');
  drop.addEventListener('dragover', (e) => {
    e.preventDefault();
    drop.classList.add('over');
  });
  drop.addEventListener('dragleave', () => drop.classList.remove('over'));
  drop.addEventListener('drop', (e) => {
    e.preventDefault();
    drop.classList.remove('over');
    if (e.dataTransfer && e.dataTransfer.files.length) check(e.dataTransfer.files[0]);
  });
  $('lang').addEventListener('click', () => {
    lang = UI[lang].otherLang;
    applyLanguage();
  });

  // A kept link opens the page on its result: the token is in the fragment, never sent in a Referer or a log.
  const m = /^#r=([A-Za-z0-9._-]+)$/.exec(location.hash);
  if (m) {
    show({ busy: true });
    fetch(`${API}/${encodeURIComponent(m[1])}`)
      .then((res) => settle(res, null))
      .catch(() => show({ error: 'unavailable' }));
  }
  applyLanguage();
})();
