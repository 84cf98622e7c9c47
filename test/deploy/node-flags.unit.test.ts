import { GATEWAY_NODE_FLAGS, missingNodeFlags } from '../../src/node-flags';

describe('missingNodeFlags: the start-up options node was not given', () => {
  it('finds none when node got them on its command line', () => {
    expect(missingNodeFlags(['--max-semi-space-size=8', '--import', 'tsx'])).toEqual([]);
  });

  it('finds none when they came through NODE_OPTIONS', () => {
    expect(missingNodeFlags([], '--enable-source-maps --max-semi-space-size=8')).toEqual([]);
  });

  it('reads the spellings V8 takes: underscores, and the value as the next argument', () => {
    expect(missingNodeFlags(['--max_semi_space_size=8'])).toEqual([]);
    expect(missingNodeFlags(['--max-semi-space-size', '8'])).toEqual([]);
  });

  it('names the options missing, or given another value (the last one given wins)', () => {
    expect(missingNodeFlags([])).toEqual([...GATEWAY_NODE_FLAGS]);
    expect(missingNodeFlags(['--import', 'tsx'], '')).toEqual(['--max-semi-space-size=8']);
    expect(missingNodeFlags(['--max-semi-space-size=16'])).toEqual(['--max-semi-space-size=8']);
    expect(missingNodeFlags(['--max-semi-space-size=16'], '--max-semi-space-size=8')).toEqual(['--max-semi-space-size=8']);
    expect(missingNodeFlags(['--max-semi-space-size=8'], '--max-semi-space-size=16')).toEqual([]);
  });
});
