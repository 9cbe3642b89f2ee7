// The trust boundary between a webview and the host (src/protocol): values a control posts are brought
// into the control's domain before they reach the document, and a malformed message is logged as a
// bounded prefix however large it is.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { describeMalformed, parseCommon } from '../../../src/protocol/common';
import { clampToDomain, CONTROL_DOMAINS, CONTROL_KEYS, CONTROL_RANGES, parseFromDynamics } from '../../../src/protocol/dynamics';

describe('setValue from a webview', () => {
  it('is clamped to the control’s domain: a huge width, a negative rate, a fractional width', () => {
    assert.deepEqual(parseFromDynamics({ type: 'setValue', key: 'model.width', value: 1e300, final: true }), { type: 'setValue', key: 'model.width', value: 1e7, final: true });
    assert.deepEqual(parseFromDynamics({ type: 'setValue', key: 'learningRates.u', value: -3, final: false }), { type: 'setValue', key: 'learningRates.u', value: CONTROL_RANGES['learningRates.u'].min, final: false });
    assert.equal((parseFromDynamics({ type: 'setValue', key: 'learningRates.W', value: 0, final: true }) as { value: number }).value, 1e-6);
    assert.equal((parseFromDynamics({ type: 'setValue', key: 'model.width', value: 2.6, final: true }) as { value: number }).value, 3);
    assert.equal((parseFromDynamics({ type: 'setValue', key: 'model.width', value: -5, final: true }) as { value: number }).value, 1);
    assert.equal((parseFromDynamics({ type: 'setValue', key: 'init.scaleU', value: -1, final: true }) as { value: number }).value, 0);
    assert.equal((parseFromDynamics({ type: 'setValue', key: 'data.y', value: -1e300, final: true }) as { value: number }).value, -1e300, 'the target has no bound');
  });

  it('leaves every value inside its domain unchanged', () => {
    for (const key of CONTROL_KEYS) {
      const d = CONTROL_DOMAINS[key];
      const r = CONTROL_RANGES[key];
      for (const v of [r.min, r.max, Math.sqrt(Math.abs(r.min * r.max)) || 1]) {
        const inside = d.integer ? Math.round(v) : v;
        assert.equal(clampToDomain(key, inside), inside, `${key} = ${inside}`);
      }
    }
  });
});

describe('messages every webview sends', () => {
  it('ready and reveal, with whole one-based positions', () => {
    assert.deepEqual(parseCommon({ type: 'ready', extra: 1 }), { type: 'ready' });
    assert.deepEqual(parseCommon({ type: 'reveal', line: 2.9, column: 7 }), { type: 'reveal', line: 2, column: 7 });
    for (const bad of [{ type: 'reveal', line: 0, column: 1 }, { type: 'reveal', line: 1e12, column: 1 }, { type: 'reveal', line: 'x', column: 1 }, [], null, 'ready']) {
      assert.equal(parseCommon(bad), null, JSON.stringify(bad));
    }
  });
});

describe('describeMalformed', () => {
  it('writes at most the limit and an ellipsis, and reads no more of the message than it writes', () => {
    let reads = 0;
    const values = new Proxy(new Array<number>(1_000_000).fill(7), {
      get(target, key, receiver) {
        if (typeof key === 'string' && /^\d+$/.test(key)) reads++;
        return Reflect.get(target, key, receiver) as unknown;
      },
    });
    const text = describeMalformed({ type: 'setValue', key: 'x'.repeat(100_000), value: values });
    assert.ok(text.length <= 201 && text.endsWith('…'), text);
    assert.ok(text.startsWith('{"type":"setValue","key":"xxx'), text);
    assert.equal(reads, 0, 'the long key alone fills the limit: the array is never read');
    reads = 0;
    const second = describeMalformed({ type: 'setValue', value: values });
    assert.ok(second.length <= 201, second);
    assert.ok(reads > 0 && reads < 200, `${reads} elements read of a million`);
  });

  it('never ends between the two halves of an emoji', () => {
    for (let pad = 0; pad < 4; pad++) {
      const text = describeMalformed({ type: 'x'.repeat(pad), emoji: '😀'.repeat(200) });
      const last = text.charCodeAt(text.length - 2); // before the ellipsis
      assert.ok(!(last >= 0xd800 && last <= 0xdbff), `a lone high surrogate before the ellipsis at padding ${pad}`);
      assert.ok(text.endsWith('😀…'), text.slice(-6));
    }
  });

  it('prints short messages whole, and survives cycles and odd values', () => {
    assert.equal(describeMalformed({ type: 'x', n: 1, ok: true, nothing: null }), '{"type":"x","n":1,"ok":true,"nothing":null}');
    const cyclic: Record<string, unknown> = { type: 'loop' };
    cyclic.self = cyclic;
    assert.ok(describeMalformed(cyclic).length <= 201);
    assert.equal(describeMalformed(undefined), 'undefined');
    assert.equal(describeMalformed(() => 1), 'function');
  });
});
