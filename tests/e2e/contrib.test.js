// The shipped deployment files match the code: the login location nginx
// rate-limits is a real route, the API location too, and the service trusts
// the proxy header nginx sets (else every visitor shares one allowance).
'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const { ROOT, routeTable } = require('../lib/server');

const nginx = fs.readFileSync(path.join(ROOT, 'contrib', 'nginx-repere.conf'), 'utf8');
const service = fs.readFileSync(path.join(ROOT, 'contrib', 'repere.service'), 'utf8');

test('every exact location nginx rate-limits is a route of the daemon', () => {
  const routes = new Set(routeTable().map((r) => r.path));
  const limited = [...nginx.matchAll(/location = (\S+) \{[^}]*limit_req/g)].map((m) => m[1]);
  assert.ok(limited.length >= 1, 'at least the login is rate-limited');
  for (const p of limited) assert.ok(routes.has(p), `${p} is not a route (the login form posts to /connexion)`);
  assert.ok(limited.includes('/connexion'), 'the login form\'s own path is limited');
});

test('nginx sets X-Forwarded-For and the service trusts it; the service names its origin', () => {
  assert.match(nginx, /proxy_set_header X-Forwarded-For \$remote_addr;/);
  assert.match(service, /^Environment=REPERE_TRUST_PROXY=1$/m);
  assert.match(service, /^Environment=REPERE_ORIGIN=https:\/\//m);
  assert.match(service, /^Environment=REPERE_LISTEN=127\.0\.0\.1$/m);
});
