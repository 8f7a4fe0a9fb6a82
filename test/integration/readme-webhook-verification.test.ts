import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newSecret } from '../../adapters/output/webhooks/standard-webhooks.js';
import { HttpWebhookSender } from '../../adapters/output/webhooks/http-webhook-sender.js';
import { webhookOutboundPolicy } from '../../adapters/output/webhooks/webhook-policy.js';
import { WebhookReceiver, type ReceivedDelivery } from '../support/webhook-receiver.js';

const run = promisify(execFile);

/** The code block of `language` in README.md that contains `marker`. */
async function readmeBlock(language: string, marker: string): Promise<string> {
  const readme = await readFile(new URL('../../README.md', import.meta.url), 'utf8');
  const blocks = [...readme.matchAll(new RegExp('```' + language + '\\n([\\s\\S]*?)```', 'g'))].map((match) => match[1]!);
  const block = blocks.find((text) => text.includes(marker));
  if (!block) throw new Error(`README.md has no ${language} block with ${marker}`);
  return block;
}

const python = await run('python3', ['--version']).then(
  () => true,
  () => false,
);
if (!python && process.env.CI === 'true') throw new Error('python3 is needed to test the README example; CI=true requires it');

/** The README's verification examples, run as written against a delivery the service's own sender made. */
describe("README's webhook signature examples", () => {
  let receiver: WebhookReceiver;
  let dir: string;
  const current = newSecret();
  const previous = newSecret();
  let delivery: ReceivedDelivery;
  let headers: Record<string, string>;

  beforeAll(async () => {
    receiver = await WebhookReceiver.start();
    dir = await mkdtemp(join(tmpdir(), 'fjs-readme-'));
    const sender = new HttpWebhookSender({ policy: webhookOutboundPolicy([receiver.origin]), timeoutMs: 5000 });
    const body = JSON.stringify({ specversion: '1.0', id: 'a1', type: 'run.failed', data: { note: 'naïve – ünïcode' } });
    const result = await sender.send({ url: receiver.url, id: 'a1', body, secrets: { current, previous } });
    expect(result.statusCode).toBe(200);
    delivery = receiver.received[0]!;
    headers = { 'webhook-id': delivery.id, 'webhook-timestamp': delivery.timestamp, 'webhook-signature': delivery.signatures.join(' ') };
  });
  afterAll(async () => {
    await receiver?.down();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('accepts in Node a delivery signed with the current or the previous secret, and nothing else', async () => {
    const file = join(dir, 'verify.mjs');
    await writeFile(file, await readmeBlock('js', 'verifyWebhook'));
    const { verifyWebhook } = (await import(file)) as { verifyWebhook: (...args: unknown[]) => boolean };
    expect(verifyWebhook(current, headers, delivery.body)).toBe(true);
    expect(verifyWebhook(previous, headers, delivery.body)).toBe(true);
    expect(verifyWebhook(newSecret(), headers, delivery.body)).toBe(false);
    expect(verifyWebhook(current, headers, delivery.body.replace('failed', 'succeeded'))).toBe(false);
    expect(verifyWebhook(current, { ...headers, 'webhook-timestamp': String(Number(delivery.timestamp) - 600) }, delivery.body)).toBe(false);
  });

  it.skipIf(!python)('accepts in Python a delivery signed with the current or the previous secret, and nothing else', async () => {
    const file = join(dir, 'verify.py');
    const main = [
      'import json, sys',
      'case = json.load(sys.stdin)',
      'print(verify_webhook(case["secret"], case["headers"], case["body"].encode()))',
    ].join('\n');
    await writeFile(file, `${await readmeBlock('python', 'verify_webhook')}\n${main}\n`);
    const verify = async (secret: string, body = delivery.body) => {
      const child = run('python3', [file]);
      child.child.stdin!.end(JSON.stringify({ secret, headers, body }));
      return (await child).stdout.trim();
    };
    expect(await verify(current)).toBe('True');
    expect(await verify(previous)).toBe('True');
    expect(await verify(newSecret())).toBe('False');
    expect(await verify(current, delivery.body.replace('failed', 'succeeded'))).toBe('False');
  });
});
