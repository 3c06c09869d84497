import { describe, expect, it } from 'vitest';
import { ApiError } from './api.errors.js';
import { ConflictError, ForbiddenError, KringError, NotFoundError, ValidationError } from '../../kernel/errors.js';
import { MembershipError } from '../../capabilities/membership/domain/membership.errors.js';
import { RecordingLogger } from '../../../test/support/logger.js';
import { problem, problemFromError } from './problem.js';

describe('problem details', () => {
  const ctx = { route: '/x' };

  it('builds RFC 9457 bodies with our stable code', () => {
    expect(problem(404, 'API.MEMBER_NOT_FOUND', 'No member.')).toEqual({
      type: 'urn:kring:problem:api.member_not_found', title: 'Not Found', status: 404, detail: 'No member.', code: 'API.MEMBER_NOT_FOUND',
    });
  });

  it('lists every field of a validation error', () => {
    const p = problemFromError(new ValidationError([{ path: 'body.a', message: 'bad' }, { path: 'query.b', message: 'worse' }]), new RecordingLogger(), ctx);
    expect(p).toMatchObject({ status: 400, code: 'VALIDATION.FAILED', errors: [{ path: 'body.a', message: 'bad' }, { path: 'query.b', message: 'worse' }] });
  });

  it('maps error classes and codes onto statuses', () => {
    const logger = new RecordingLogger();
    const status = (e: unknown) => problemFromError(e, logger, ctx).status;
    expect(status(new NotFoundError('X.NOT_FOUND', 'x'))).toBe(404);
    expect(status(new ForbiddenError('X.FORBIDDEN', 'x'))).toBe(403);
    expect(status(new ConflictError('X.CONFLICT', 'x'))).toBe(409);
    expect(status(new ApiError('API.UNAUTHENTICATED', 'x'))).toBe(401);
    expect(status(new ApiError('API.UNSUPPORTED_MEDIA_TYPE', 'x'))).toBe(415);
    expect(status(new MembershipError('MEMBERSHIP.MEMBER_NOT_FOUND', 'x'))).toBe(404);
    expect(status(new MembershipError('MEMBERSHIP.FULL_IMPORT_EMPTY', 'x'))).toBe(422);
    expect(status(new KringError('POLL.CLOSED', 'closed', { messageKey: 'errors.conflict' }))).toBe(422);
    expect(status(Object.assign(new Error('bad json'), { type: 'entity.parse.failed', status: 400 }))).toBe(400);
    expect(status(Object.assign(new Error('big'), { type: 'entity.too.large', status: 413 }))).toBe(413);
    expect(status(Object.assign(new URIError('bad escape'), { status: 400 }))).toBe(400);
  });

  it('answers unexpected errors with a generic 500 and logs them, never leaking the message or stack', () => {
    const logger = new RecordingLogger();
    const p = problemFromError(new Error('connection to 10.0.0.5 refused, password=secret'), logger, ctx);
    expect(p).toEqual(expect.objectContaining({ status: 500, code: 'API.INTERNAL' }));
    expect(JSON.stringify(p)).not.toContain('10.0.0.5');
    expect(logger.lines).toEqual([expect.objectContaining({ level: 'error', msg: 'api request failed' })]);
    expect(problemFromError(new KringError('PERSISTENCE.BROKEN', 'db said no'), logger, ctx).detail).not.toContain('db said no');
  });
});
