import { describe, expect, it } from 'vitest';
import { prng } from '../bench/network-generator';
import { EventQueue } from './events';

describe('the event queue', () => {
  it('runs events in time order, and those at one instant in the order they were scheduled', () => {
    const queue = new EventQueue();
    const next = prng(3);
    const ran: [number, number][] = [];
    for (let i = 0; i < 500; i++) {
      const at = Math.floor(next() * 50);
      queue.schedule(at, () => ran.push([at, i]));
    }
    queue.drain();
    expect(ran).toHaveLength(500);
    const sorted = [...ran].sort((a, b) => a[0] - b[0] || a[1] - b[1]);
    expect(ran).toEqual(sorted);
  });

  it('runs what an event schedules, never before the event that scheduled it', () => {
    const queue = new EventQueue();
    const ran: string[] = [];
    queue.schedule(10, () => {
      ran.push('a@10');
      queue.schedule(5, () => ran.push(`b@${queue.now}`));
      queue.schedule(20, () => ran.push('d@20'));
    });
    queue.schedule(15, () => ran.push('c@15'));
    queue.drain();
    expect(ran).toEqual(['a@10', 'b@10', 'c@15', 'd@20']);
    expect(queue.next()).toBeUndefined();
  });
});
