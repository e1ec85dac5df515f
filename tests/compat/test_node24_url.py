"""require('url') and the URL family against Node 24: the legacy API (url.parse, format,
resolve, resolveObject, Url), URL.parse / URL.canParse, URLPattern, object URLs
(URL.createObjectURL, revokeObjectURL, buffer.resolveObjectURL), file URLs, domains,
urlToHttpOptions. Results as JSON, thrown errors by class name, code and message."""

from __future__ import annotations

import json
from typing import Any

import pytest

from compat.conftest import assert_same_as_node, case_ids, run_in_node
from conftest import CodeBlockClient

U = "const url = require('url');\n"

# Inputs for url.parse, after Node's test/parallel/test-url-parse-format.js: auth, ports,
# IPv6, hashes, odd slashes, javascript:, mailto:, spaces, unicode hosts.
PARSE_INPUTS = [
    "http://www.example.com",
    "HTTP://www.Example.COM/",
    "http://user:pw@www.example.com:8080/p/a/t/h?query=string#hash",
    "http://user@www.example.com/",
    "http://us%20er:p%40ss@host.com/",
    "http://a@b@c/",
    "http://a@b?@c",
    "http://x.com/path?that's#all, folks",
    "http://X.COM/a b c?d e#f g",
    "http://x.y.com+a/b/c",
    "http://www.ex ample.com/",
    "HtTp://x.com/",
    "http://[::1]:8080/path",
    "http://[fe80::1%25eth0]/",
    "http://[::FFFF:129.144.52.38]:80/index.html",
    "http://user:pass@[::1]:3000/x?y#z",
    "https://[2001:db8::1]",
    "http:\\\\evil-phisher\\foo.html#h\\a\\s\\h",
    "http:\\\\evil-phisher\\foo.html",
    "http:/\\/\\/www.example.com",
    "///foo/bar",
    "//some_path",
    "//user@host/path",
    "/foo/bar?baz=quux#frag",
    "/foo?bar#baz",
    "foo/bar",
    "?q=1",
    "#only-hash",
    "",
    "   http://padded.com/   ",
    "\t\nhttp://ws.com/\n",
    "javascript:alert('hello');",
    "javascript:alert(1)//a b?c#d",
    "JavaScript:void(0)",
    "mailto:joe@example.com?subject=hi",
    "mailto:local1@domain1",
    "xmpp:isaacschlueter@jabber.org",
    "news:comp.infosystems.www.servers.unix",
    "tel:+1-816-555-1212",
    "file:///etc/passwd",
    "file://localhost/etc/node/",
    "file:/etc/node/",
    "file:///C:/Windows",
    "FILE://host/x",
    "ftp://ftp.example.com/file.txt;type=a",
    "gopher://gopher.example.com/1",
    "ws://socket.example.com:80/chat",
    "wss://secure.example.com/",
    "svn+ssh://foo/bar",
    "dash-test://foo/bar",
    "dash-test:foo/bar",
    "dot.test://foo/bar",
    "git+http://github.com/joyent/node.git",
    "local1@domain1",
    "www.example.com",
    "http://atpass:foo%40bar@127.0.0.1:8080/path?search=foo#bar",
    "http://x:1/' <>\"`/{}|\\^'",
    "http://x.com/?a=1&a=2&b=%20c&d",
    "http://x.com/?",
    "http://x.com/#",
    "http://x.com/a?b#c?d#e",
    "http://a.com:/",
    "http://a.com:abc/",
    "http://a.com:65536/",
    "http://a.com:8080",
    "http://ex.com/%7Ethis%7Eis%7Eat%7Ethe%7Eend",
    "http://mt0.google.com/vt/lyrs=m@114&hl=en&src=api&x=2&y=2&z=3&s=",
    "http://mt0.google.com/vt/lyrs=m@114???&hl=en&src=api&x=2&y=2&z=3&s=",
    "http://user:pass@mt0.google.com/vt/lyrs=m@114???&hl=en&src=api&x=2&y=2&z=3&s=",
    "http://www.narwhaljs.org/blog/categories?id=news",
    "http://bucket_name.s3.amazonaws.com/image.jpg",
    "http://münchen.de/straße",
    "http://☃.net/",
    "http://xn--n3h.net/",
    "http://www.日本語.jp/",
    "http://ＥＸＡＭＰＬＥ.com/",  # noqa: RUF001 (fullwidth letters: the host parser maps them to ASCII)
    "http://a.b.c.d.e.f.g/x",
    "http://" + "x" * 256 + ".com/",
    "http://localhost/~user/",
    "http://host/a/../b/./c",
    "https://user:@host/",
    "https://:pass@host/",
    "http://x/p?q=%zz",
    "coap://[FEDC:BA98:7654:3210:FEDC:BA98:7654:3210]:61616/s/stopButton",
    "http://-lovemonsterz.tumblr.com/rss",
    "http://-lovemonsterz.tumblr.com:80/rss",
    "http://user:pass@-lovemonsterz.tumblr.com/rss",
    "http://_jabber._tcp.google.com/test",
    "http://user:pass@_jabber._tcp.google.com/test",
    "http://a.com/a\\b\\c?d\\e#f\\g",
    "http://a.com?x=1",
    "http://a.com#x",
    "http://%20hostname/",
    "http://a\tb.com/",
    "s3://foo.bar/",
    "http://x.com/\u00e9t\u00e9",
    "http://xn--a.com/",
    "http://xn--/",
    "http://a.xn--ab-/",
    "http://a\u200db.com/",
    "http://\u0661\u0662a.com/",
    "http://xn--ls8h.la/",
    "http://a_b.com/",
    # From Node's test-url-parse-format.js.
    "http:\\\\evil-phisher\\foo.html?json=\"\\\"foo\\\"\"#h\\a\\s\\h",
    "http:\\\\evil-phisher\\foo.html#h\\a\\s\\h?blarg",
    "http://USER:PW@www.ExAmPlE.com/",
    "http://user%3Apw@www.example.com/",
    "HtTp://x.y.cOm;a/b/c?d=e#f g<h>i",
    "http://x...y...#p",
    "http://x/p/\"quoted\"",
    "<http://goo.corn/bread> Is a URL!",
    "http:/baz/../foo/bar",
    "//user:pass@example.com:8000/foo/bar?baz=quux#frag",
    "http:/foo/bar?baz=quux#frag",
    "dot.test:foo/bar",
    "http://example.Bücher.com/",
    "http://www.Äffchen.cOm;A/b/c?d=e#f g<h>i",
    "http://SÉLIER.COM/",
    "http://ليهمابتكلموشعربي؟.ي؟/",
    "http://➡.ws/➡",
    "[fe80::1]",
    "coap://[1080:0:0:0:8:800:200C:417A]:61616/",
    "http://user:password@[3ffe:2a00:100:7031::1]:8080",
    "coap://u:p@[::192.9.5.5]:61616/.well-known/r?n=Temperature",
    "http://example.com:",
    "http://example.com:?a=b",
    "http://example.com:#abc",
    "http://[fe80::1]:/a/b?a=b#abc",
    "http://a.b/\tbc\ndr\ref g\"hq'j<kl>?mn\\op^q=r`99{st|uv}wz",
    "http://a\r\" \t\n<'b:b@c\r\nd/e?f",
    "git+ssh://git@github.com:npm/npm",
    "https://*",
    "javAscript:alert(1);a='@white-listed.com'",
]

PARSE = [U + f"const s = {json.dumps(s)};\n"
         "return [url.parse(s), url.parse(s, true, true), url.format(s), url.parse(`     \\t  ${s}\\n\\t`)]"
         for s in PARSE_INPUTS]

PARSE_ERRORS = [
    U + "return url.parse()",
    U + "return url.parse(5)",
    U + "return url.parse(null)",
    U + "return url.parse({})",
    U + "return url.parse(new URL('http://x'))",
    U + "return url.parse('http://a b%ZZ.com/')",
    U + "return url.parse('http://a@b%c/')",
    U + "return url.parse('http://[a:b]c/')",
    U + "return url.parse('http://\u00adx.com/')",
    U + "return url.parse('http://xn--iñvalid.com/')",
    U + "return url.parse('http://%41.com/')",
    U + "const u = url.parse('http://x/'); return url.parse(u) === u",
    U + "const u = new url.Url(); return [u, Object.keys(Object.getPrototypeOf(u)).sort(), typeof url.Url.prototype.parse]",
    U + "const u = new url.Url(); u.parse('http://p.com:81/x?y=1', true); return [u.port, u.query, u.href]",
    U + "return url.parse('http://x.com/?a=1&a=2&b', true).query",
    U + "return Object.getPrototypeOf(url.parse('http://x.com/', true).query)",
    U + "return url.parse('/p?x=1', true).query",
]

FORMAT_OBJECTS = [
    {"protocol": "http", "host": "example.com", "pathname": "/a"},
    {"protocol": "http:", "hostname": "example.com", "port": 8080, "pathname": "a"},
    {"protocol": "https", "hostname": "::1", "port": "443", "pathname": "/"},
    {"protocol": "https", "hostname": "[::1]", "pathname": "/"},
    {"protocol": "mailto", "auth": "joe", "hostname": "example.com"},
    {"protocol": "mailto", "pathname": "joe@example.com"},
    {"protocol": "file", "pathname": "/etc/passwd"},
    {"protocol": "file:", "host": "", "pathname": "/x"},
    {"protocol": "http", "host": "x.com", "query": {"a": 1, "b": ["c", "d"], "e": "f g"}},
    {"protocol": "http", "host": "x.com", "search": "q=1", "query": {"ignored": 1}},
    {"protocol": "http", "host": "x.com", "search": "?a#b", "hash": "frag"},
    {"protocol": "http", "host": "x.com", "pathname": "/a?b#c"},
    {"protocol": "http", "auth": "us er:p@ss/é", "host": "x.com"},
    {"protocol": "ftp", "slashes": True, "host": "ftp.x.com", "pathname": "pub"},
    {"protocol": "dash-test", "slashes": True, "host": "foo", "pathname": "/bar"},
    {"protocol": "coap", "hostname": "fedc:ba98::1", "port": 61616, "pathname": "/s"},
    {"slashes": True, "host": "x.com", "pathname": "/p"},
    {"pathname": "/only/path", "search": "?q"},
    {"hash": "#h", "search": "s"},
    {"protocol": "http", "host": "x.com", "query": "raw=string"},
    {},
    {"protocol": "javascript", "pathname": "alert(1)"},
    {"protocol": "http", "hostname": "x.com", "port": 0, "pathname": "/"},
]
FORMAT = [U + f"return url.format({json.dumps(o)})" for o in FORMAT_OBJECTS] + [
    U + "return url.format(url.parse('http://user:pw@x.com:81/a?b=1#c'))",
    U + "return url.format(Object.assign(url.parse('http://x.com/a?b=1'), { search: null, query: { z: 2 } }))",
    U + "return url.format()",
    U + "return url.format(null)",
    U + "return url.format(5)",
    U + "return url.format(true)",
    U + "return url.format(Symbol('s'))",
    U + "return url.format({ auth: '\\ud800' , host: 'x' })",
    U + "return url.format([])",
    U + "return url.format(function f() {})",
]

WHATWG_FORMAT = [
    U + "const u = new URL('http://user:pw@xn--n3h.net:8080/p?q=1#h'); return [url.format(u), url.format(u, {})]",
    U + "const u = new URL('http://user:pw@xn--n3h.net:8080/p?q=1#h'); return url.format(u, { fragment: false, unicode: true, search: false, auth: false })",
    U + "const u = new URL('http://user:pw@xn--n3h.net/p?q=1#h'); return url.format(u, { fragment: 0, search: '', auth: null })",
    U + "const u = new URL('http://münchen.de/'); return [url.format(u, { unicode: true }), url.format(u, { unicode: false })]",
    U + "const u = new URL('http://user@[::1]:81/?#'); return [url.format(u, { fragment: false, search: false }), url.format(u, { auth: false })]",
    U + "const u = new URL('mailto:x@y.com?s=1#f'); return url.format(u, { search: false, fragment: false })",
    U + "const u = new URL('http://1.2.3.4/'); return url.format(u, { unicode: true })",
    U + "return url.format(new URL('http://x/'), 'str')",
    U + "return url.format(new URL('http://x/'), 5)",
    U + "return url.format(new URL('http://x/'), [])",
    U + "return url.format(new URL('http://x/'), null)",
    U + "const u = new URL('http://x.com/?a=1'); u.searchParams.append('b', '2 3'); return url.format(u, { fragment: false })",
]

RESOLVE_PAIRS = [
    ("/one/two/three", "four"),
    ("http://example.com/", "/one"),
    ("http://example.com/one", "/two"),
    ("http://example.com/one/", "two"),
    ("http://example.com/a/b/c", "../d"),
    ("http://example.com/a/b/c", "../../../../d"),
    ("http://example.com/a/b/c", "./"),
    ("http://example.com/a/b/c", "."),
    ("http://example.com/a/b/c", ".."),
    ("http://example.com/a/b/c", "?q=1"),
    ("http://example.com/a/b/c?x=1", "#frag"),
    ("http://example.com/a/b/c", ""),
    ("http://example.com/a", "//other.com/x"),
    ("http://example.com/a", "https://secure.com"),
    ("http://example.com/a", "mailto:x@y.z"),
    ("http://example.com/a", "ftp:pub/file"),
    ("http://user:pw@example.com/a", "/b"),
    ("http://user:pw@example.com/a", "//other/b"),
    ("mailto:local1@domain1", "local2@domain2"),
    ("mailto:local1@domain1", "?subject=hi"),
    ("news:comp.lang", "other.group"),
    ("foo/bar/baz", "../../../x"),
    ("/foo/bar/baz/", "quux/baz"),
    ("/foo", "."),
    ("http://a/b/c/d;p?q", "g;x?y#s"),
    ("http://a/b/c/d;p?q", "g:h"),
    ("http://a/b/c/d;p?q", "../../../g"),
    ("http://a/b/c/d;p?q", "/./g"),
    ("http://a/b/c/d;p?q", "g/../h"),
    ("http://a/b/c/d;p?q", "http:g"),
    ("file:///a/b", "c"),
    ("file:///a/b", "file:c"),
    ("http://x.com", "y"),
    ("https://x.com:8443/a/", "../../b?c#d"),
    ("http://example.com/a", "HTTP://EXAMPLE.com/b"),
    ("", "http://x.com"),
]
RESOLVE = [U + f"const s = {json.dumps(a)}, r = {json.dumps(b)}; "
           "return [url.resolve(s, r), url.resolveObject(s, r)]" for a, b in RESOLVE_PAIRS] + [
    U + "return url.resolve()",
    U + "return url.resolve('http://x/', 5)",
    U + "return url.resolveObject('', 'whatever')",
    U + "return url.resolveObject(null, { href: 'kept' })",
    U + "return url.parse('http://x.com/a/b').resolve('../c')",
    U + "return url.parse('http://nodejs.org/').resolveObject('jAvascript:alert(1);a=\\x27@white-listed.com\\x27')",
    U + "return url.parse('http://x.com/a/b').resolveObject(url.parse('//y.com/', false, true))",
]

WHATWG = [
    "return [URL.parse('https://a.com/x?y#z').href, URL.parse('nope'), URL.parse('/p', 'https://b.com/q').href]",
    "return [URL.parse('x', 'not a base'), URL.parse(undefined), URL.parse(null, 'http://a/')?.href]",
    "return URL.parse()",
    "return URL.parse('http://x/') instanceof URL",
    "return [URL.canParse('https://a.com'), URL.canParse('nope'), URL.canParse('/p', 'https://b.com'), URL.canParse('/p', 'bad')]",
    "return [URL.canParse(undefined), URL.canParse(null, 'http://a'), URL.canParse({ toString() { return 'http://x' } })]",
    "return URL.canParse()",
    "return Object.getOwnPropertyNames(URL).sort()",
    "return ['parse', 'canParse', 'createObjectURL', 'revokeObjectURL'].map((k) => { const d = Object.getOwnPropertyDescriptor(URL, k); return [typeof d.value, d.enumerable] })",
    "return [URL.parse.length, URL.canParse.length, URL.createObjectURL.length, URL.revokeObjectURL.length]",
    "try { new URL('nope', 'also nope') } catch (e) { return [e.code, e.input, e.base, e.message] }",
    "try { new URL(5) } catch (e) { return [e.code, e.input, 'base' in e] }",
    U + "return [url.URL === URL, url.URLSearchParams === URLSearchParams, url.URLPattern === URLPattern]",
    U + "return Object.keys(url).sort()",
    "return new URL('http://x/').toString === URL.prototype.toString",
    U + "return Object.entries(url).map(([k, v]) => [k, typeof v, v.name, v.length])",
    U + "return Object.getOwnPropertyNames(url.Url.prototype).sort()",
    # What util.inspect and console.log show.
    "const util = require('util'); return util.inspect(new URL('https://u:p@a.b:8080/c?d=1&e=%20#f'))",
    "const util = require('util'); return [util.inspect(new URLSearchParams('a=1&b=x&a=2')), "
    "util.inspect(new URLSearchParams()), util.inspect({ p: new URLSearchParams('k=v') })]",
    "const util = require('util'); return util.inspect(new URLSearchParams(Object.fromEntries("
    "Array.from({ length: 12 }, (_, i) => ['key' + i, 'value ' + i]))))",
    "const util = require('util'); return util.inspect({ deep: { deeper: { url: new URL('http://x/?q=1') } } }, { depth: 1 })",
    "const util = require('util'); return util.inspect(new URLSearchParams([['n', '1'], ['quote', \"it's\"]]))",
]

DOMAINS = ["example.com", "EXAMPLE.com", "münchen.de", "☃.net", "xn--n3h.net", "ß.de", "σ.com", "a:b", "a b",  # noqa: RUF001 (Greek sigma: IDNA)
           "", "[::1]", "1.2.3", "0x7f.1", "a/b", "a?b", "a#b", "a@b", "%41.com", "Ⅻ.com", "ab--c.com", "-x.com",
           "a..b", "a.b.", "www.日本語.jp", "xn--a.com", "xn--", "a.xn--ab-", "XN--N3H.net", "xn--mnchen-3ya.de"]
DOMAIN = [U + f"return [url.domainToASCII({json.dumps(d)}), url.domainToUnicode({json.dumps(d)})]"
          for d in DOMAINS] + [
    U + "return url.domainToASCII()",
    U + "return url.domainToUnicode()",
    U + "return [url.domainToASCII(5), url.domainToUnicode(null), url.domainToASCII(undefined)]",
]

FILE_URLS = [
    U + "return url.fileURLToPath('file:///etc/passwd')",
    U + "return url.fileURLToPath('file:///a%20b/%C3%A9t%C3%A9')",
    U + "return url.fileURLToPath(new URL('file:///tmp/x?y#z'))",
    U + "return url.fileURLToPath('file://localhost/etc/hosts')",
    U + "return url.fileURLToPath('file:///a%2fb')",
    U + "return url.fileURLToPath('file:///a%2Fb')",
    U + "return url.fileURLToPath('file://host/x')",
    U + "return url.fileURLToPath('http://x/y')",
    U + "return url.fileURLToPath('not a url')",
    U + "return url.fileURLToPath(5)",
    U + "return url.fileURLToPath()",
    U + "return url.fileURLToPath({ href: 'file:///x', protocol: 'file:', hostname: '', pathname: '/duck' })",
    U + "return url.fileURLToPath({ href: 'x' })",
    U + "return url.fileURLToPath('file:///a%5Cb%25c')",
    U + "return [...url.fileURLToPathBuffer('file:///a%FFb%C3%A9')]",
    U + "return url.fileURLToPathBuffer('http://x/')",
    U + "return url.pathToFileURL('/etc/passwd').href",
    U + "return url.pathToFileURL('/a b/é#?%').href",
    U + "return url.pathToFileURL('/x/../y/./z/').href",
    U + "return url.pathToFileURL('/a\\\\b\\n\\t\\r').href",
    U + "return url.pathToFileURL('/a^b`c{d}e|f\"g<h>i').href",
    U + "return url.pathToFileURL('//double//slash').href",
    U + "return url.pathToFileURL('/') instanceof URL",
    U + "return url.pathToFileURL(5)",
    U + "return url.pathToFileURL()",
    U + "return url.fileURLToPath(url.pathToFileURL('/round trip/%/ü'))",
    U + "return url.fileURLToPath('file:///C:/Program%20Files/x', { windows: true })",
    U + "return url.fileURLToPath('file://server/share/f%C3%A9', { windows: true })",
    U + "return url.fileURLToPath('file://xn--n3h.net/share', { windows: true })",
    U + "return url.fileURLToPath('file:///c|/x', { windows: true })",
    U + "return url.fileURLToPath('file:///relative', { windows: true })",
    U + "return url.fileURLToPath('file:///C:/a%5Cb', { windows: true })",
    U + "return url.fileURLToPath('file:///C:/a%2fb', { windows: true })",
    U + "return url.fileURLToPath('file:///C:/x', { windows: false })",
    U + "return url.pathToFileURL('C:\\\\x', { windows: true }).href",
]

HTTP_OPTIONS = [
    U + "return url.urlToHttpOptions(new URL('https://us%20er:p%40ss@[::1]:8443/p/a?q=1#h'))",
    U + "return url.urlToHttpOptions(new URL('http://x.com/'))",
    U + "return url.urlToHttpOptions(new URL('http://user@x.com:80/'))",
    U + "const u = new URL('http://x.com/'); u.extra = 1; return url.urlToHttpOptions(u)",
    U + "return url.urlToHttpOptions({ hostname: 'h', pathname: '/p', port: '', search: '?s', protocol: 'x:' })",
    U + "return url.urlToHttpOptions()",
    U + "return url.urlToHttpOptions('http://x')",
    U + "return url.urlToHttpOptions(null)",
    U + "return Object.getPrototypeOf(url.urlToHttpOptions(new URL('http://x/')))",
]

PATTERN = [
    "const p = new URLPattern('https://example.com/books/:id'); const r = p.exec('https://example.com/books/123'); "
    "return [p.pathname, p.hostname, p.protocol, p.search, p.hash, p.port, p.username, p.password, p.hasRegExpGroups, "
    "p.test('https://example.com/books/123'), p.test('https://example.com/x'), r.pathname, r.inputs, Object.keys(r)]",
    "const p = new URLPattern({ pathname: '/books/:id(\\\\d+)' }); return [p.hasRegExpGroups, p.test('https://x.com/books/abc'), p.exec('https://x.com/books/42').pathname]",
    "const p = new URLPattern('/foo/*', 'https://example.com'); return [p.exec('https://example.com/foo/bar/baz').pathname.groups, p.hostname]",
    "const p = new URLPattern({ hostname: '{*.}?example.com' }); return [p.test('https://a.b.example.com/'), p.test('https://example.com/'), p.exec('https://a.b.example.com/').hostname]",
    "const p = new URLPattern({ search: 'q=:q' }); return p.exec('https://x/?q=hello').search",
    "const p = new URLPattern('http{s}?://*.example.com/*'); return [p.test('http://www.example.com/p'), p.test('ftp://www.example.com/p'), p.exec('https://a.example.com/z').protocol]",
    "const p = new URLPattern('https://example.com/books/:id', { ignoreCase: true }); return [p.test('https://example.com/BOOKS/1'), new URLPattern('https://example.com/books/:id').test('https://example.com/BOOKS/1')]",
    "const p = new URLPattern({ hash: 'sec-:n' }); return p.exec('https://x/#sec-3').hash",
    "const p = new URLPattern('https://x/:a/:b'); return [p.exec('/1/2', 'https://x').pathname.groups.a, p.exec('/1/2', 'https://x').inputs, p.test('/1/2', 'https://x')]",
    "const p = new URLPattern({ pathname: '/a' }); return [p.exec(), p.test(), p.exec('bad url'), p.exec(null), p.test('/a', 'not base')]",
    "const p = new URLPattern({ pathname: '/a' }, { ignoreCase: true }); return p.exec({ pathname: '/A' })",
    "const p = new URLPattern({ baseURL: 'https://a.com/b/c', pathname: 'd' }); return [p.pathname, p.protocol, p.hostname]",
    "const p = new URLPattern(); return [p.pathname, p.test('https://anything/')]",
    "const p = new URLPattern(null); return p.pathname",
    "const p = new URLPattern({ pathname: '/:a?' }); return [p.test('https://x/'), p.test('https://x/1'), p.test('https://x/1/2')]",
    "const p = new URLPattern({ port: '80{80}?' }); return [p.test({ port: '80' }), p.test({ port: '8080' }), p.test({ port: '81' })]",
    "return new URLPattern('(')",
    "return new URLPattern('(', 'https://x')",
    "return new URLPattern({ pathname: '/:id(' })",
    "return new URLPattern('relative/path')",
    "return new URLPattern(1)",
    "return new URLPattern('https://x/*', 5)",
    "return new URLPattern('https://x/*', true)",
    "return [new URLPattern('data\\\\:foo*').protocol, new URLPattern({ protocol: 'javascript' }).test('javascript:alert(1)')]",
    "return new URLPattern({ hostname: 'xn--n3h.net' }).test('https://☃.net/')",
    "return new URLPattern({ pathname: '/caf\u00e9' }).pathname",
    "return new URLPattern({ pathname: '*', search: '*' }).exec('https://x/a?b=1#c').search",
    "return new URLPattern({ pathname: '/:a/:b' }).exec('https://x/1/2').pathname.groups",
    "return new URLPattern({}, 'base')",
    "return URLPattern()",
    "return new URLPattern({ pathname: '/a' }).exec(5)",
    "return new URLPattern({ pathname: '/a' }).exec({}, 'https://b')",
    "return new URLPattern({ pathname: '/a' }).test({}, 'https://b')",
    "return [typeof URLPattern, URLPattern.name, URLPattern.length, Object.prototype.toString.call(new URLPattern())]",
    "return Object.getOwnPropertyNames(URLPattern.prototype).sort()",
]

# Object URLs: a blob: URL resolves to a copy of the Blob's data in the execution that made it.
B = ("const { resolveObjectURL } = require('buffer');\n"
     "const u = URL.createObjectURL(new Blob(['hi there'], { type: 'Text/Plain' })); const id = u.slice(14);\n")
OBJECT_URLS = [
    B + "const b = resolveObjectURL(u); return [/^blob:nodedata:[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/.test(u), "
        "b.constructor.name, b.size, b.type, await b.text(), resolveObjectURL(u) !== b]",
    B + "return ['blob:nodedata:' + id, ' blob:nodedata:' + id + '\\n', 'BLOB:nodedata:' + id, 'foo:nodedata:' + id, "
        "'blob:nodedata:' + id + '?x', 'blob:nodedata:' + id + '#x', 'http://x/nodedata:' + id, 'blob:NODEDATA:' + id, "
        "'blob:nodedata:' + id + ':x', 'blob:nodedata:\\t' + id, 'blob:x:nodedata:' + id, 'file:nodedata:' + id, "
        "'blob:nodedata:' + id.toUpperCase(), 'blob:nodedata:' + id + ' '].map((v) => resolveObjectURL(v)?.size ?? null)",
    B + "URL.revokeObjectURL(u); return resolveObjectURL(u)",
    B + "return ['http://x/nodedata:', 'blob:foo:', 'blob:', 'foo:nodedata:', 'blob:a:b:', ':', 'blob:nodedata:?q=', "
        "'not a url '].map((prefix) => { const v = URL.createObjectURL(new Blob(['x'])); "
        "URL.revokeObjectURL(prefix + v.slice(14)); return resolveObjectURL(v) === undefined })",
    B + "URL.revokeObjectURL(u + ':'); URL.revokeObjectURL('nonsense'); URL.revokeObjectURL(42); return resolveObjectURL(u).size",
    B + "const f = URL.createObjectURL(new File(['abc'], 'f.txt', { type: 'x/y' })); const b = resolveObjectURL(f); "
        "return [b.constructor.name, b.size, b.type, b.name]",
    B + "return [u === URL.createObjectURL(new Blob(['hi there'])), resolveObjectURL('blob:nodedata:00000000-0000-4000-8000-000000000000'), "
        "resolveObjectURL(), resolveObjectURL(null), resolveObjectURL({ toString() { return u } })?.size]",
    "return URL.createObjectURL()",
    "return URL.createObjectURL('x')",
    "return URL.createObjectURL({})",
    "return URL.createObjectURL(new Uint8Array(2))",
    "return URL.createObjectURL(Object.create(Blob.prototype))",
    "return URL.revokeObjectURL()",
    "return URL.revokeObjectURL(undefined)",
    "return typeof require('buffer').resolveObjectURL",
    B + "const big = new Blob([new Uint8Array(1000).fill(7)], { type: 'application/octet-stream' }); "
        "const v = URL.createObjectURL(big); const r = resolveObjectURL(v); const bytes = new Uint8Array(await r.arrayBuffer()); "
        "return [r.size, r.type, bytes[0], bytes[999], (await r.slice(10, 20).arrayBuffer()).byteLength]",
]

ALL = (PARSE + PARSE_ERRORS + FORMAT + WHATWG_FORMAT + RESOLVE + WHATWG + DOMAIN + FILE_URLS + HTTP_OPTIONS + PATTERN
       + OBJECT_URLS)
GROUPS = (("parse", PARSE), ("parse-errors", PARSE_ERRORS), ("format", FORMAT), ("whatwg-format", WHATWG_FORMAT),
          ("resolve", RESOLVE), ("whatwg", WHATWG), ("domain", DOMAIN), ("file", FILE_URLS),
          ("http-options", HTTP_OPTIONS), ("pattern", PATTERN), ("object-urls", OBJECT_URLS))

# Where the service knowingly differs from Node: (the error code the service gives, why).
KNOWN_DIFFERENCES: dict[str, tuple[str, str]] = {
    U + "return url.pathToFileURL('C:\\\\x', { windows: true }).href": (
        "ERR_FEATURE_UNAVAILABLE_ON_PLATFORM", "Windows paths need path.win32.resolve, which the layer does not have"),
}


@pytest.fixture(scope="module")
def node_outcomes() -> list[dict[str, Any]]:
    return run_in_node([{"code": code, "input": {}} for code in ALL])


@pytest.mark.parametrize("index", range(len(ALL)), ids=case_ids(ALL, GROUPS))
def test_url_matches_node(cb1: CodeBlockClient, node_outcomes: list[dict[str, Any]], index: int) -> None:
    code = ALL[index]
    expected = node_outcomes[index]
    status, body = cb1.run(code)
    if code in KNOWN_DIFFERENCES:
        our_code, _reason = KNOWN_DIFFERENCES[code]
        assert status == 400 and body["error"].get("code") == our_code, body
        assert expected.get("code") != our_code, "Node now agrees: remove the known difference"
        return
    assert_same_as_node(code, status, body, expected)


def test_enough_cases() -> None:
    assert len(ALL) >= 250, len(ALL)
    assert len({*ALL}) == len(ALL), "duplicate cases"
