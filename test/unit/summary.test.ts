import { describe, expect, it } from 'vitest';
import { demoConfigText } from '../../scripts/config/demo.js';
import { validateConfig } from '../../scripts/config/validate.js';
import { renderSummary } from '../../scripts/report/summary.js';
import { ED25519 } from './fixtures/config/keys.js';

describe('the embedded demo', () => {
  it('validates and summarises as documented', () => {
    const { model, problems } = validateConfig(demoConfigText(ED25519), '(embedded demo)');
    expect(problems).toEqual([]);
    expect(renderSummary(model!, '(embedded demo)')).toBe(
      [
        'config:  (embedded demo)',
        'project: tunnelgate-demo',
        'ports:   http 8880, https 8443, ssh 2222',
        'acme:    pebble (https://pebble:14000/dir), renew 30 days before expiry',
        'users:   demo (1 key)',
        'routes:  ',
        '  https://demo.localhost -> tunnel demo',
      ].join('\n'),
    );
  });

  it('names the CAs and shares when there are any', () => {
    const text = `acme: {ca: pebble}\nsshCA: ["${ED25519}"]\nusers:\n  alice: {}\n  bob: {}\nshares:\n  - {name: vnc, owner: alice, with: [bob]}\n`;
    const { model } = validateConfig(text, 'edge.yaml');
    expect(renderSummary(model!, 'edge.yaml').split('\n').slice(-2)).toEqual(['sshCA:   1 certificate authority', 'share:   vnc (alice -> bob)']);
  });
});
