import { expect } from 'chai';
import {
  FilterPatternError,
  fieldValue,
  isFieldReference,
  matchEvent,
  matches,
  parseFilterPattern,
  regexCount,
} from '../../src/range/services/logs/filter-pattern.js';
import { splitFields } from '../../src/range/services/logs/filter-pattern-delimited.js';

const test = (pattern: string, message: string): boolean => matches(parseFilterPattern(pattern), message);
const json = (o: unknown): string => JSON.stringify(o);

function invalid(pattern: string): void {
  expect(() => parseFilterPattern(pattern), pattern).to.throw(FilterPatternError, /Invalid filter pattern/);
}

describe('range: CloudWatch Logs filter patterns', () => {
  describe('unstructured terms', () => {
    it('matches everything with an empty or blank pattern', () => {
      expect(test('', 'anything')).to.equal(true);
      expect(test('   ', 'anything')).to.equal(true);
      expect(test('""', 'anything')).to.equal(true);
    });

    it('matches a term as a case-sensitive substring', () => {
      expect(test('ERROR', '[ERROR] A fatal exception has occurred')).to.equal(true);
      expect(test('ERROR', 'Exiting with ERRORCODE: -1')).to.equal(true);
      expect(test('ERROR', 'error: lower case')).to.equal(false);
      expect(test('404', 'GET / 404 12')).to.equal(true);
    });

    it('needs every term when there are several', () => {
      expect(test('ERROR Exception', '[ERROR] Caught IllegalArgumentException')).to.equal(true);
      expect(test('ERROR Exception', '[ERROR] Unhandled failure')).to.equal(false);
      expect(test('Failed to process the request', '[WARN] the request: Failed to process')).to.equal(true);
    });

    it('matches quoted phrases exactly, with escapes and special characters', () => {
      expect(test('"Failed to process"', '[WARN] Failed to process the request')).to.equal(true);
      expect(test('"Failed to process"', '[WARN] Failed  to process')).to.equal(false);
      expect(test('"user@example.com"', 'login by user@example.com ok')).to.equal(true);
      expect(test('"say \\"hi\\""', 'they say "hi" twice')).to.equal(true);
      expect(test('"10.0.0.1" ERROR', 'ERROR from 10.0.0.1')).to.equal(true);
    });

    it('matches any ?term (the documented OR example)', () => {
      const events = ['ERROR WARN message', 'ERROR message', 'WARN message'];
      const which = (p: string) => events.filter((e) => test(p, e));
      expect(which('ERROR')).to.deep.equal(['ERROR WARN message', 'ERROR message']);
      expect(which('?ERROR ?WARN')).to.deep.equal(events);
      expect(which('ERROR WARN')).to.deep.equal(['ERROR WARN message']);
      expect(which('ERROR -WARN')).to.deep.equal(['ERROR message']);
      expect(which('?"ERROR" ?"WARN"')).to.deep.equal(events);
    });

    it('excludes -terms, also with a space after the minus and quoted', () => {
      expect(test('"ERROR" - "Exiting"', 'Exiting with ERRORCODE: -1')).to.equal(false);
      expect(test('"ERROR" - "Exiting"', '[ERROR] A fatal exception')).to.equal(true);
      expect(test('-DEBUG', 'INFO started')).to.equal(true);
      expect(test('-DEBUG', 'DEBUG noise')).to.equal(false);
    });

    it('lets following plain terms join a ?term alternative', () => {
      const p = '?Exception "Failed" ?Timeout';
      expect(test(p, 'Exception while Failed')).to.equal(true);
      expect(test(p, 'Exception only')).to.equal(false);
      expect(test(p, 'Timeout reached')).to.equal(true);
    });

    it('refuses unquoted terms with characters other than letters, digits and underscores', () => {
      invalid('user@example.com');
      invalid('10.0.0.1');
      invalid('ERROR:');
      invalid('i-0abc');
      invalid('-');
      invalid('?');
      invalid('"unterminated');
    });
  });

  describe('regular expressions', () => {
    it('matches a standalone %regex% anywhere in the message', () => {
      expect(test('%AUTHORIZED%', '[ERROR 401] UNAUTHORIZED REQUEST')).to.equal(true);
      expect(test('%AUTHORIZED%', '[SUCCESS 200] AUTHORIZED REQUEST')).to.equal(true);
      expect(test('%^\\[ERROR%', '[ERROR] x')).to.equal(true);
      expect(test('%^\\[ERROR%', 'x [ERROR]')).to.equal(false);
      expect(test('%colou?r%', 'the color red')).to.equal(true);
      expect(test('%gray|grey%', 'grey')).to.equal(true);
      expect(test('%4[0-9]{2}%', 'status 404')).to.equal(true);
      expect(test('%4[0-9]{2}%', 'status 200')).to.equal(false);
    });

    it('refuses what the documented regex subset excludes', () => {
      invalid('%(a|b)%');
      invalid('%something!%');
      invalid('%%');
      invalid('%[a-%');
      invalid('%two words%');
      expect(test('%10:2[0-9]%', 'at 10:25 it failed')).to.equal(true);
    });

    it('works inside JSON and space-delimited patterns, at most twice', () => {
      expect(test('{ $.eventType = %Update.*% }', json({ eventType: 'UpdateTrail' }))).to.equal(true);
      expect(test('{ $.eventType != %^Update% }', json({ eventType: 'UpdateTrail' }))).to.equal(false);
      expect(test('[w1=%^ERR%, w2]', 'ERROR message')).to.equal(true);
      invalid('{ $.a = %a% || $.b = %b% || $.c = %c% }');
      expect(regexCount(parseFilterPattern('{ $.a = %a% || $.b = "b" }'))).to.equal(1);
      expect(regexCount(parseFilterPattern('[w1=%a%, w2=%b%]'))).to.equal(2);
      expect(regexCount(parseFilterPattern('%a%'))).to.equal(1);
      expect(regexCount(parseFilterPattern('ERROR'))).to.equal(0);
    });
  });

  describe('JSON patterns (the documented examples)', () => {
    const doc = json({
      eventType: 'UpdateTrail',
      sourceIPAddress: '111.111.111.111',
      arrayKey: ['value', 'another value'],
      objectList: [
        { name: 'a', id: 1 },
        { name: 'b', id: 2 },
      ],
      SomeObject: null,
      ThisFlag: true,
      OtherFlag: false,
    });

    it('matches the example filters', () => {
      for (const p of [
        '{ $.eventType = "UpdateTrail" }',
        '{ $.eventType = UpdateTrail }',
        '{ $.sourceIPAddress != 123.123.* }',
        '{ $.arrayKey[0] = "value" }',
        '{ $.objectList[1].id = 2 }',
        '{ $.SomeObject IS NULL }',
        '{ $.SomeOtherObject NOT EXISTS }',
        '{ $.ThisFlag IS TRUE }',
        '{ $.OtherFlag IS FALSE }',
        '{$.eventType="UpdateTrail"}',
      ]) {
        expect(test(p, doc), p).to.equal(true);
      }
    });

    it('does not match when values differ or the selector reaches no value node', () => {
      for (const p of [
        '{ $.eventType = "DeleteTrail" }',
        '{ $.sourceIPAddress != 111.111.* }',
        '{ $.arrayKey[2] = "value" }',
        '{ $.objectList[0].id = 2 }',
        '{ $.eventType IS NULL }',
        '{ $.SomeObject NOT EXISTS }',
        '{ $.ThisFlag IS FALSE }',
        '{ $.objectList = 1 }',
        '{ $.objectList != 1 }',
        '{ $.missing != "x" }',
        '{ $.SomeObject = "x" }',
        '{ $.eventType.inner = "x" }',
      ]) {
        expect(test(p, doc), p).to.equal(false);
      }
    });

    it('uses * as a wildcard at the start or end of a string only', () => {
      const e = json({ eventName: 'PutEvent', other: 'EventName', lit: 'Ev*ent', any: 'x' });
      expect(test('{ $.eventName = "*Event" }', e)).to.equal(true);
      expect(test('{ $.other = Event* }', e)).to.equal(true);
      expect(test('{ $.other = "*ventNa*" }', e)).to.equal(true);
      expect(test('{ $.lit = "Ev*ent" }', e)).to.equal(true);
      expect(test('{ $.eventName = "Pu*ent" }', e)).to.equal(false);
      expect(test('{ $.any = * }', e)).to.equal(true);
      expect(test('{ $.nothing = * }', e)).to.equal(false);
    });

    it('combines conditions with && before || and parentheses first', () => {
      const e = json({
        user: { id: 1, email: 'John.Stiles@example.com' },
        users: [
          { id: 2, email: 'John.Doe@example.com' },
          { id: 3, email: 'Jane.Doe@example.com' },
        ],
        actions: ['GET', 'PUT', 'DELETE'],
        coordinates: [
          [0, 1, 2],
          [4, 5, 6],
          [7, 8, 9],
        ],
      });
      expect(test('{ ($.user.id = 1) && ($.users[0].email = "John.Doe@example.com") }', e)).to.equal(true);
      expect(
        test('{ ($.user.id = 2 && $.users[0].email = "nonmatch") || $.actions[2] = "GET" }', e),
      ).to.equal(false);
      expect(
        test(
          '{ $.user.email = "John.Stiles@example.com" || $.coordinates[0][1] = nonmatch && $.actions[2] = nomatch }',
          e,
        ),
      ).to.equal(true);
      expect(
        test(
          '{ ($.user.email = "John.Stiles@example.com" || $.coordinates[0][1] = nonmatch) && $.actions[2] = nomatch }',
          e,
        ),
      ).to.equal(false);
      expect(test('{ $.coordinates[2][0] = 7 }', e)).to.equal(true);
      expect(test('{ $.foo = bar || $.foo = baz }', json({ foo: 'baz' }))).to.equal(true);
    });

    it('compares numbers precisely, including signs, decimals and scientific notation', () => {
      const e = json({
        latency: 1200,
        numbers: [9999, 0.001],
        processes: [{}, {}, {}, {}, { averageRuntime: 55.5 }],
        errorCode: 400,
        code: '404',
      });
      for (const [p, want] of [
        ['{ $.latency >= 500 }', true],
        ['{ $.latency > +1000 }', true],
        ['{ $.latency < 1200 }', false],
        ['{ $.latency <= 1200 }', true],
        ['{ $.numbers[0] < 10e3 }', true],
        ['{ $.numbers[1] < 10e-3 }', true],
        ['{ $.processes[4].averageRuntime <= 55.5 }', true],
        ['{ $.errorCode = 400 }', true],
        ['{ $.errorCode != 500 }', true],
        ['{ $.errorCode = 400.0 }', true],
        ['{ $.code = 404 }', true],
        ['{ $.code > 400 }', true],
        ['{ $.latency > -1 && $.latency < 2000 }', true],
      ] as const) {
        expect(test(p, e), p).to.equal(want);
      }
    });

    it('does not apply to messages that are not JSON objects', () => {
      expect(test('{ $.a = 1 }', 'a=1')).to.equal(false);
      expect(test('{ $.a = 1 }', '[1,2]')).to.equal(false);
      expect(test('{ $.a = 1 }', '{"a": 1')).to.equal(false);
      expect(test('{ $.a NOT EXISTS }', 'plain text')).to.equal(false);
    });

    it('refuses malformed JSON patterns', () => {
      for (const p of [
        '{ $.a = 1',
        '{ a = 1 }',
        '{ $ = 1 }',
        '{ $[0] = 1 }',
        '{ $.a > abc }',
        '{ $.a == 1 }',
        '{ $.a = }',
        '{ $.a IS MAYBE }',
        '{ $.a EXISTS }',
        '{ $.a NOT THERE }',
        '{ ($.a = 1 }',
        '{ $.a = 1 } extra',
        '{ $.a = 1 && }',
        '{ $.a = "open }',
      ]) {
        invalid(p);
      }
    });
  });

  describe('space-delimited patterns', () => {
    const lines = [
      '127.0.0.1 - frank [10/Oct/2000:13:25:15 -0700] "GET /apache_pb.gif HTTP/1.0" 200 1534',
      '127.0.0.1 - frank [10/Oct/2000:13:35:22 -0700] "GET /index.html HTTP/1.0" 404 5324',
      '127.0.0.1 - frank [10/Oct/2000:13:50:35 -0700] "GET /apache_pb.gif HTTP/1.0" 500 355',
    ];
    const which = (p: string) => lines.map((l, i) => (test(p, l) ? i : -1)).filter((i) => i >= 0);

    it('splits fields on spaces, keeping [brackets] and "quotes" together', () => {
      expect(splitFields(lines[0] as string)).to.deep.equal([
        '127.0.0.1',
        '-',
        'frank',
        '10/Oct/2000:13:25:15 -0700',
        'GET /apache_pb.gif HTTP/1.0',
        '200',
        '1534',
      ]);
      expect(splitFields('  a   b\tc ')).to.deep.equal(['a', 'b', 'c']);
    });

    it('needs exactly as many fields as slots unless an ellipsis stands for the rest', () => {
      expect(which('[ip, user, username, timestamp, request, status_code, bytes]')).to.deep.equal([0, 1, 2]);
      expect(which('[ip, user, username, timestamp, request, status_code]')).to.deep.equal([]);
      expect(which('[..., status_code, bytes]')).to.deep.equal([0, 1, 2]);
      expect(which('[ip, user, ..., status_code, bytes]')).to.deep.equal([0, 1, 2]);
      expect(which('[ip, user, ...]')).to.deep.equal([0, 1, 2]);
      expect(which('[a, b, c, d, e, f, g, h, ...]')).to.deep.equal([]);
    });

    it('applies string, wildcard and numeric conditions', () => {
      expect(which('[ip, user, username, timestamp, request, status_code, bytes > 1000]')).to.deep.equal([
        0, 1,
      ]);
      expect(which('[ip, user, username, timestamp, request, status_code = 200, bytes]')).to.deep.equal([0]);
      expect(which('[ip, user, username, timestamp, request, status_code = 4*, bytes]')).to.deep.equal([1]);
      expect(
        which('[ip, user, username, timestamp, request = *html*, status_code = 4*, bytes]'),
      ).to.deep.equal([1]);
      expect(which('[ip, user, username, timestamp, request, status_code != 200, bytes]')).to.deep.equal([
        1, 2,
      ]);
      expect(
        which('[ip, user, username, timestamp, request = "GET /index.html HTTP/1.0", ...]'),
      ).to.deep.equal([1]);
      expect(which('[ip, user, username = frank, ...]')).to.deep.equal([0, 1, 2]);
    });

    it('combines conditions on one field with && and ||', () => {
      expect(
        which('[ip, user, username, timestamp, request, status_code = 4* || status_code = 5*, bytes]'),
      ).to.deep.equal([1, 2]);
      expect(
        which('[ip, user, username, timestamp, request, status_code >= 400 && status_code < 500, bytes]'),
      ).to.deep.equal([1]);
      const msgs = ['ERROR WARN message', 'ERROR message', 'WARN message'];
      expect(msgs.filter((m) => test('[w1=ERROR, w2]', m))).to.deep.equal(['ERROR message']);
      expect(msgs.filter((m) => test('[w1=ERROR || w1=WARN, w2]', m))).to.deep.equal([
        'ERROR message',
        'WARN message',
      ]);
      expect(msgs.filter((m) => test('[w1!=ERROR&&w1!=WARN, w2]', m))).to.deep.equal([]);
      expect(msgs.filter((m) => test('[(w1=ERROR || w1=WARN), w2, w3]', m))).to.deep.equal([
        'ERROR WARN message',
      ]);
    });

    it('extracts named fields as $name and the others as $position', () => {
      const p = parseFilterPattern('[..., request=*.html*, status_code=4*,]');
      const m = matchEvent(p, lines[1] as string);
      expect(m?.extractedValues).to.deep.equal({
        $1: '127.0.0.1',
        $2: '-',
        $3: 'frank',
        $4: '10/Oct/2000:13:35:22 -0700',
        $request: 'GET /index.html HTTP/1.0',
        $status_code: '404',
        $7: '5324',
      });
      expect(fieldValue(m!, '$status_code')).to.equal('404');
      expect(isFieldReference(p, '$status_code')).to.equal(true);
      expect(isFieldReference(p, '$7')).to.equal(true);
      expect(isFieldReference(p, '$bytes')).to.equal(false);
    });

    it('refuses malformed space-delimited patterns', () => {
      for (const p of ['[a, b', '[a, a]', '[a > x]', '[a = ]', '[a, b] extra', '[a ==1]', '[@x]']) invalid(p);
    });
  });

  describe('metric values from matched events', () => {
    it('reads JSON selectors and refuses references that are not fields of the pattern', () => {
      const p = parseFilterPattern('{ $.latency = * }');
      const m = matchEvent(p, json({ latency: 42, nested: { ok: true } }))!;
      expect(fieldValue(m, '$.latency')).to.equal(42);
      expect(fieldValue(m, '$.nested.ok')).to.equal('true');
      expect(fieldValue(m, '$.nope')).to.equal(undefined);
      expect(isFieldReference(p, '$.latency')).to.equal(true);
      expect(isFieldReference(p, 'latency')).to.equal(false);
      expect(isFieldReference(parseFilterPattern('ERROR'), '$.latency')).to.equal(false);
    });
  });
});
