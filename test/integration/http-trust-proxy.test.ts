import { afterEach, describe, expect, it } from 'vitest';
import { startHttpServer, type HttpServerOptions, type RunningHttpServer } from '../../src/http/server.js';
import { silentLogger } from '../support/logger.js';

/**
 * `trust proxy` is explicit (issue 21, item 6): by default Kring believes no `X-Forwarded-*` header (anyone
 * can send one: a client would choose its own address and claim https); with TRUST_PROXY naming the proxy
 * it takes the client address and protocol from the proxy's headers.
 */
describe('the HTTP server and proxies', () => {
  let server: RunningHttpServer | undefined;
  afterEach(async () => {
    await server?.close();
    server = undefined;
  });

  async function start(trustProxy?: HttpServerOptions['trustProxy']): Promise<string> {
    server = await startHttpServer({
      host: '127.0.0.1',
      port: 0,
      logger: silentLogger,
      routes: [],
      readiness: [],
      ...(trustProxy === undefined ? {} : { trustProxy }),
      mount: (app) => app.get('/who', (req, res) => void res.json({ ip: req.ip, protocol: req.protocol, secure: req.secure })),
    });
    return `http://127.0.0.1:${server.port}/who`;
  }
  const forwarded = { 'X-Forwarded-For': '203.0.113.7', 'X-Forwarded-Proto': 'https' };

  it('believes no forwarded header by default', async () => {
    const url = await start();
    expect(await (await fetch(url, { headers: forwarded })).json()).toEqual({ ip: '127.0.0.1', protocol: 'http', secure: false });
  });

  it('takes the client address and https from a proxy it is told to trust', async () => {
    const url = await start(['loopback']);
    expect(await (await fetch(url, { headers: forwarded })).json()).toEqual({ ip: '203.0.113.7', protocol: 'https', secure: true });
  });

  it('ignores the headers of a peer that is not the trusted proxy', async () => {
    const url = await start(['10.0.0.0/8']);
    expect(await (await fetch(url, { headers: forwarded })).json()).toEqual({ ip: '127.0.0.1', protocol: 'http', secure: false });
  });
});
