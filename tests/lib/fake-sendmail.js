// Helpers of the admin-area tests: the mails captured by fake-sendmail.sh,
// and a tiny cookie-keeping browser that reads the CSRF token of each form.
'use strict';
const fs = require('node:fs');
const path = require('node:path');

const FAKE_SENDMAIL = path.join(__dirname, 'fake-sendmail.sh');

// Every captured message, oldest first: { to, subject, body, raw }.
function readMails(dir) {
  if (!fs.existsSync(dir)) return [];
  return fs.readdirSync(dir).filter((f) => f.endsWith('.eml')).sort().map((f) => {
    const raw = fs.readFileSync(path.join(dir, f), 'utf8');
    const [head, ...rest] = raw.split('\n\n');
    const header = (name) => (head.match(new RegExp(`^${name}: (.*)$`, 'mi')) || [])[1] || '';
    let subject = header('Subject');
    const m = subject.match(/^=\?UTF-8\?B\?(.*)\?=$/);
    if (m) subject = Buffer.from(m[1], 'base64').toString('utf8');
    return { to: header('To'), subject, body: rest.join('\n\n'), raw };
  });
}

// The last link to `pathPrefix` mailed to `to`.
function linkFor(dir, to, pathPrefix) {
  const mails = readMails(dir).filter((m) => m.to === to);
  for (let i = mails.length - 1; i >= 0; i--) {
    const m = mails[i].body.match(new RegExp(`https?://[^\\s]*${pathPrefix.replace(/[/?]/g, '\\$&')}[^\\s]*`));
    if (m) return new URL(m[0]);
  }
  return null;
}

class Browser {
  constructor(base) { this.base = base; this.cookies = new Map(); this.lastCsrf = null; }

  cookieHeader() { return [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; '); }

  keep(res) {
    for (const c of res.headers.getSetCookie ? res.headers.getSetCookie() : []) {
      const [pair, ...attrs] = c.split(';');
      const eq = pair.indexOf('=');
      const name = pair.slice(0, eq).trim(), value = pair.slice(eq + 1).trim();
      if (/max-age=0/i.test(attrs.join(';')) || value === '') this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
  }

  async get(p, headers = {}) {
    const res = await fetch(this.base + p, { redirect: 'manual', headers: { cookie: this.cookieHeader(), ...headers } });
    this.keep(res);
    const text = await res.text();
    const m = text.match(/name="csrf" value="([^"]+)"/);
    if (m) this.lastCsrf = m[1];
    return { status: res.status, headers: res.headers, text };
  }

  // POST a form; csrf defaults to the token of the last page read.
  async post(p, fields = {}, { csrf = this.lastCsrf, headers = {} } = {}) {
    const body = new URLSearchParams();
    if (csrf !== null && csrf !== undefined) body.append('csrf', csrf);
    for (const [k, v] of Object.entries(fields)) {
      if (Array.isArray(v)) v.forEach((x) => body.append(k, x));
      else body.append(k, v);
    }
    const res = await fetch(this.base + p, {
      method: 'POST', redirect: 'manual', body,
      headers: { cookie: this.cookieHeader(), 'content-type': 'application/x-www-form-urlencoded', ...headers },
    });
    this.keep(res);
    const text = await res.text();
    const m = text.match(/name="csrf" value="([^"]+)"/);
    if (m) this.lastCsrf = m[1];
    return { status: res.status, headers: res.headers, text, location: res.headers.get('location') };
  }

  async login(email, password) {
    await this.get('/connexion');
    return this.post('/connexion', { email, password, retour: '/admin' });
  }
}

module.exports = { FAKE_SENDMAIL, readMails, linkFor, Browser };
