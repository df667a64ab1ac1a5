import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import { test } from 'node:test';
import { freeLoopbackPort, secondsToFirstAnswer } from '../../src/boot/answer-probe.ts';

const listen = (server: Server, port: number): Promise<void> => new Promise((resolve) => server.listen(port, '127.0.0.1', resolve));
const close = (server: Server): Promise<void> => new Promise((resolve) => server.close(() => resolve()));

test('secondsToFirstAnswer: the time from the start to the first answer of a server that comes up late', async () => {
  const port = await freeLoopbackPort();
  const server = createServer((_request, response) => response.end('ok'));
  const started = performance.now();
  const answered = secondsToFirstAnswer(`http://127.0.0.1:${port}/`, started, () => false, 50);
  await new Promise((resolve) => setTimeout(resolve, 400));
  await listen(server, port);
  try {
    const seconds = await answered;
    assert.ok(seconds !== undefined && seconds >= 0.4 && seconds < 3, `answered after ${seconds} s`);
  } finally {
    await close(server);
  }
});

test('secondsToFirstAnswer: a 5xx is no answer; the probe gives up, undefined, once told to stop', async () => {
  const port = await freeLoopbackPort();
  let asked = 0;
  const server = createServer((_request, response) => {
    asked++;
    response.statusCode = 503;
    response.end();
  });
  await listen(server, port);
  try {
    let stop = false;
    const answered = secondsToFirstAnswer(`http://127.0.0.1:${port}/`, performance.now(), () => stop, 50);
    await new Promise((resolve) => setTimeout(resolve, 300));
    stop = true;
    assert.equal(await answered, undefined);
    assert.ok(asked >= 2, `asked ${asked} times`);
  } finally {
    await close(server);
  }
});
