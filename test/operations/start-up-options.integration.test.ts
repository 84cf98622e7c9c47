import { startGatewayProcess, type GatewayProcess } from '../helpers/gateway-process';

/** Fake, loopback-only settings: the gateway starts with in-memory stores and never calls Loops here. */
const ENV = { LOOPS_API_BASE: 'http://127.0.0.1:9', LOOPS_API_KEY: 'loops_test_not_a_real_key', GATEWAY_API_KEYS: 'sk_test_start_up_options' };
const WARNING = "node was started without the gateway's start-up options";

describe('start-up options (src/node-flags.ts)', () => {
  const started: GatewayProcess[] = [];
  afterAll(async () => {
    for (const gateway of started) await gateway.kill('SIGKILL');
  });

  it('warns, naming the option, when node was started without them', async () => {
    const gateway = await startGatewayProcess(ENV, undefined, []);
    started.push(gateway);
    const line = gateway
      .output()
      .split('\n')
      .filter((text) => text.includes(WARNING))
      .map((text) => JSON.parse(text) as { level: number; missing: string[]; msg: string });
    expect(line).toHaveLength(1);
    expect(line[0]).toMatchObject({ level: 40, missing: ['--max-semi-space-size=8'] });
    expect(line[0]?.msg).toContain('node --max-semi-space-size=8 dist/main.js');
  });

  it('says nothing when started as the image and npm start do', async () => {
    const gateway = await startGatewayProcess(ENV);
    started.push(gateway);
    expect(gateway.output()).not.toContain(WARNING);
    expect(gateway.output()).toContain('in-memory stores');
  });
});
