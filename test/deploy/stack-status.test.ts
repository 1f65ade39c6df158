import { describe, expect, it } from 'vitest';
import { StackStatus } from '@aws-sdk/client-cloudformation';
import {
  decidePreDeploy,
  isCreationFailure,
  isDeploySuccess,
  isInProgress,
  isRolledBack,
  isUpdatable,
  rootCauseFailures,
} from '../../src/core/stack-status.js';

const NAME = 'apigw-log-analytics-shop';

describe('decidePreDeploy', () => {
  // Every status the SDK knows, with the action expected before a deploy.
  const expected: Record<string, string> = {
    CREATE_COMPLETE: 'update',
    CREATE_FAILED: 'delete-then-create',
    CREATE_IN_PROGRESS: 'wait',
    DELETE_COMPLETE: 'create',
    DELETE_FAILED: 'delete-then-create',
    DELETE_IN_PROGRESS: 'wait',
    IMPORT_COMPLETE: 'update',
    IMPORT_IN_PROGRESS: 'wait',
    IMPORT_ROLLBACK_COMPLETE: 'update',
    IMPORT_ROLLBACK_FAILED: 'refuse',
    IMPORT_ROLLBACK_IN_PROGRESS: 'wait',
    REVIEW_IN_PROGRESS: 'create',
    ROLLBACK_COMPLETE: 'delete-then-create',
    ROLLBACK_FAILED: 'delete-then-create',
    ROLLBACK_IN_PROGRESS: 'wait',
    UPDATE_COMPLETE: 'update',
    UPDATE_COMPLETE_CLEANUP_IN_PROGRESS: 'wait',
    UPDATE_FAILED: 'update',
    UPDATE_IN_PROGRESS: 'wait',
    UPDATE_ROLLBACK_COMPLETE: 'update',
    UPDATE_ROLLBACK_COMPLETE_CLEANUP_IN_PROGRESS: 'wait',
    UPDATE_ROLLBACK_FAILED: 'continue-rollback-then-update',
    UPDATE_ROLLBACK_IN_PROGRESS: 'wait',
  };

  it('covers every stack status of the SDK', () => {
    expect(Object.keys(expected).sort()).toEqual(Object.values(StackStatus).sort());
  });

  it.each(Object.entries(expected))('%s → %s', (status, action) => {
    expect(decidePreDeploy(status, NAME).action).toBe(action);
  });

  it('a missing stack is created', () => {
    expect(decidePreDeploy(null, NAME)).toEqual({ action: 'create', reason: `stack ${NAME} does not exist yet` });
  });

  it('destructive steps carry a confirmation and a question that names the stack and state', () => {
    for (const status of ['ROLLBACK_COMPLETE', 'DELETE_FAILED', 'UPDATE_ROLLBACK_FAILED']) {
      const d = decidePreDeploy(status, NAME);
      expect(d).toMatchObject({ confirm: true });
      expect('question' in d && d.question).toContain(NAME);
      expect('question' in d && d.question).toContain(status);
    }
  });

  it('refuses an unknown status with a resolution instead of guessing', () => {
    const d = decidePreDeploy('SOMETHING_NEW', NAME);
    expect(d.action).toBe('refuse');
    expect(d.action === 'refuse' && d.resolution).toMatch(/CloudFormation console/);
  });
});

describe('status predicates', () => {
  it('in progress excludes REVIEW_IN_PROGRESS', () => {
    expect(isInProgress('UPDATE_COMPLETE_CLEANUP_IN_PROGRESS')).toBe(true);
    expect(isInProgress('REVIEW_IN_PROGRESS')).toBe(false);
    expect(isInProgress('CREATE_COMPLETE')).toBe(false);
  });
  it('success, rollback and creation failure are told apart', () => {
    expect(['CREATE_COMPLETE', 'UPDATE_COMPLETE', 'UPDATE_ROLLBACK_COMPLETE'].map(isDeploySuccess)).toEqual([true, true, false]);
    expect(['ROLLBACK_COMPLETE', 'UPDATE_ROLLBACK_COMPLETE', 'UPDATE_COMPLETE'].map(isRolledBack)).toEqual([true, true, false]);
    expect(['ROLLBACK_COMPLETE', 'ROLLBACK_FAILED', 'UPDATE_ROLLBACK_FAILED'].map(isCreationFailure)).toEqual([true, true, false]);
    expect(['UPDATE_ROLLBACK_COMPLETE', 'ROLLBACK_COMPLETE', 'DELETE_FAILED'].map(isUpdatable)).toEqual([true, false, false]);
  });
});

describe('rootCauseFailures', () => {
  const ev = (logicalId: string, status: string, reason?: string, isStackEvent = false) => ({
    logicalId,
    resourceType: isStackEvent ? 'AWS::CloudFormation::Stack' : 'AWS::IAM::Role',
    status,
    isStackEvent,
    ...(reason ? { reason } : {}),
  });

  it('keeps the first failure per resource, oldest first, skipping cancellations and the stack', () => {
    const failures = rootCauseFailures([
      ev('A', 'CREATE_COMPLETE'),
      ev('B', 'CREATE_FAILED', 'Role name already exists'),
      ev('C', 'CREATE_FAILED', 'Resource creation cancelled'),
      ev(NAME, 'ROLLBACK_IN_PROGRESS', 'The following resource(s) failed to create: [B, C].', true),
      ev('B', 'DELETE_FAILED', 'later failure of the same resource'),
      ev('D', 'UPDATE_FAILED', 'Resource update cancelled'),
      ev('E', 'DELETE_FAILED', 'Bucket not empty'),
    ]);
    expect(failures.map((f) => [f.logicalId, f.status, f.reason])).toEqual([
      ['B', 'CREATE_FAILED', 'Role name already exists'],
      ['E', 'DELETE_FAILED', 'Bucket not empty'],
    ]);
  });

  it('stops at the limit', () => {
    const events = ['A', 'B', 'C', 'D'].map((id) => ev(id, 'CREATE_FAILED', `bad ${id}`));
    expect(rootCauseFailures(events, 2).map((f) => f.logicalId)).toEqual(['A', 'B']);
  });
});
