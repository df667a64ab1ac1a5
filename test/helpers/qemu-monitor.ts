import { createConnection } from 'node:net';

/**
 * QEMU's human monitor on a unix socket (`-monitor unix:PATH,server=on,wait=off`):
 * `monitorCommand(path, 'set_link net0 off')` sends one command and resolves with
 * what QEMU printed for it. Bounded: fails after `timeoutMs`.
 */
export function monitorCommand(socketPath: string, command: string, timeoutMs = 10_000): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = createConnection(socketPath);
    let text = '';
    let sent = false;
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`QEMU monitor ${socketPath}: no answer to "${command}" within ${timeoutMs} ms (so far: ${JSON.stringify(text)})`));
    }, timeoutMs);
    socket.setEncoding('utf8');
    socket.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    socket.on('data', (chunk: string) => {
      text += chunk;
      // The banner ends in a prompt; the command's answer ends in the next one.
      const prompts = text.split('(qemu) ').length - 1;
      if (!sent && prompts >= 1) {
        sent = true;
        text = '';
        socket.write(`${command}\n`);
      } else if (sent && prompts >= 1) {
        clearTimeout(timer);
        socket.end();
        resolve(text.slice(0, text.lastIndexOf('(qemu) ')));
      }
    });
  });
}

/** The QEMU arguments for a monitor on `socketPath`. */
export const monitorArgs = (socketPath: string): string[] => ['-monitor', `unix:${socketPath},server=on,wait=off`];
