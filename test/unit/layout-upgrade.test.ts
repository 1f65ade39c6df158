/** The upgrade from the gzip JSON layout, decided from the installation's outputs and its stages. */
import { describe, expect, it } from 'vitest';
import { classifyDestination } from '../../src/core/destinations.js';
import type { Installation } from '../../src/core/installations.js';
import { knownDestinations as knownStreams } from '../../src/commands/shared/stages.js';
import { describeLayoutUpgrade, legacyStreamArn, planLayoutUpgrade } from '../../src/core/layout-upgrade.js';

const OLD = 'arn:aws:firehose:us-east-1:111122223333:deliverystream/amazon-apigateway-shop';
const NEW = 'arn:aws:firehose:us-east-1:111122223333:deliverystream/amazon-apigateway-shop-parquet';

describe('layout upgrade', () => {
  it('finds the old stream: the primary stream of a stack made before Parquet, or the one an upgrade keeps', () => {
    expect(legacyStreamArn({ DeliveryStreamArn: OLD }, 'shop')).toBe(OLD);
    expect(legacyStreamArn({ DeliveryStreamArn: NEW, LegacyDeliveryStreamArn: OLD }, 'shop')).toBe(OLD);
    expect(legacyStreamArn({ DeliveryStreamArn: NEW }, 'shop')).toBeNull();
    // Another project's name that merely starts the same way is not this project's old stream.
    expect(legacyStreamArn({ DeliveryStreamArn: `${OLD}-x` }, 'shop')).toBeNull();
  });

  it('keeps the old stream on the first run and while a stage delivers to it; removes it after', () => {
    expect(planLayoutUpgrade(null, 'shop', [])).toEqual({ legacyStreamArn: null, parameter: 'absent', stagesToMove: [] });
    expect(planLayoutUpgrade({ DeliveryStreamArn: OLD }, 'shop', [])).toMatchObject({ parameter: 'kept' });
    expect(planLayoutUpgrade({ DeliveryStreamArn: NEW, LegacyDeliveryStreamArn: OLD }, 'shop', ['a/prod'])).toMatchObject({ parameter: 'kept', stagesToMove: ['a/prod'] });
    expect(planLayoutUpgrade({ DeliveryStreamArn: NEW, LegacyDeliveryStreamArn: OLD }, 'shop', [])).toMatchObject({ parameter: 'absent' });
    expect(describeLayoutUpgrade(planLayoutUpgrade({ DeliveryStreamArn: NEW }, 'shop', []))).toEqual([]);
  });

  it('counts a stage on the kept old stream as connected to its installation', () => {
    const inst = { project: 'shop', streamName: 'amazon-apigateway-shop-parquet', streamArn: NEW, outputs: { LegacyDeliveryStreamArn: OLD } } as unknown as Installation;
    const known = knownStreams([inst]);
    expect(known).toHaveLength(2);
    expect(classifyDestination(OLD, known)).toMatchObject({ kind: 'installation', project: 'shop' });
    expect(classifyDestination(NEW, known)).toMatchObject({ kind: 'installation', project: 'shop' });
    expect(knownStreams([{ ...inst, outputs: {} }])).toHaveLength(1);
  });
});
