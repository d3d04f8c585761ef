import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseSetCookie } from './cookies.js';
import { findMixedContent } from './mixed-content.js';

test('Set-Cookie attributes are read without keeping the value', () => {
  const c = parseSetCookie('sid=s3cr3t; Path=/; Secure; HttpOnly; SameSite=Lax', true);
  assert.deepEqual(c, { name: 'sid', secure: true, httpOnly: true, sameSite: 'Lax', overHttps: true });
  assert.ok(!JSON.stringify(c).includes('s3cr3t'));
  assert.equal(parseSetCookie('lang=en', false)?.secure, false);
  assert.equal(parseSetCookie('garbage', true), null);
});

test('mixed content: http:// scripts, stylesheets and images are found, https and canonical links are not', () => {
  const html = `<html><head><link rel="stylesheet" href="http://cdn.test/a.css"><link rel="canonical" href="http://x.test/">
  <script src="http://cdn.test/a.js"></script><script src="https://cdn.test/b.js"></script></head>
  <body><img alt="x" src="http://img.test/p.png"><form method="post" action="http://x.test/login"></form></body></html>`;
  const hints = findMixedContent(html);
  assert.deepEqual(hints.map((h) => [h.element, h.url, h.active]), [
    ['link', 'http://cdn.test/a.css', true],
    ['script', 'http://cdn.test/a.js', true],
    ['img', 'http://img.test/p.png', false],
    ['form', 'http://x.test/login', true],
  ]);
});

test('mixed content scanning is bounded in hints', () => {
  const html = Array.from({ length: 100 }, (_, i) => `<img src="http://x.test/${i}.png">`).join('');
  assert.equal(findMixedContent(html).length, 32);
});
