import { afterEach, describe, expect, it, vi } from 'vitest';
import { logger } from '../../src/lib/log';

afterEach(() => vi.restoreAllMocks());

describe('logger', () => {
  it('writes one JSON line with level, message, request id and account id through the matching console method', () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    const log = logger({ LOG_LEVEL: 'info' }, { request_id: 'req_1', account_id: 'acct_1' });
    log.warn('limiter unreachable', { error: new Error('boom'), n: 2 });
    expect(warn).toHaveBeenCalledTimes(1);
    const line = JSON.parse(warn.mock.calls[0][0] as string);
    expect(line).toMatchObject({
      level: 'warn',
      msg: 'limiter unreachable',
      request_id: 'req_1',
      account_id: 'acct_1',
      n: 2,
      error: { name: 'Error', message: 'boom' },
    });
  });

  it('drops lines below LOG_LEVEL, and everything when silent', () => {
    const info = vi.spyOn(console, 'log').mockImplementation(() => {});
    const error = vi.spyOn(console, 'error').mockImplementation(() => {});
    logger({ LOG_LEVEL: 'warn' }).info('skipped');
    logger({ LOG_LEVEL: 'warn' }).error('kept');
    logger({ LOG_LEVEL: 'silent' }).error('skipped too');
    expect(info).not.toHaveBeenCalled();
    expect(error).toHaveBeenCalledTimes(1);
  });

  it('with() adds context to every later line', () => {
    const info = vi.spyOn(console, 'log').mockImplementation(() => {});
    logger(undefined, { request_id: 'req_2' }).with({ call_id: 'call_1' }).info('dialled');
    expect(JSON.parse(info.mock.calls[0][0] as string)).toMatchObject({
      request_id: 'req_2',
      call_id: 'call_1',
    });
  });
});
