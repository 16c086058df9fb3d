// Human tasks: opened with an assignee and a due time, answered through updates, and moved to the
// centre's queue when nobody answers in time.
import { CENTRE, type Task, type TaskType } from '../../domain/request-state';
import { taskDueAt } from './deadlines';
import type { Answers, RequestRun } from './run';

export function openTask(run: RequestRun, type: TaskType, assignee: Task['assignee'], detail: Record<string, unknown> = {}): Task {
  const opened = run.now();
  const task: Task = {
    id: `${type}-${run.state.history.length}`,
    type,
    assignee: { ...assignee },
    openedAt: run.iso(opened),
    dueAt: run.iso(taskDueAt(opened, type, run.timings)),
    escalated: false,
    detail,
  };
  run.state.tasks.push(task);
  return task;
}

/** Waits for a task's answer; an overdue task moves once to the centre's queue. */
export async function answered<K extends keyof Answers>(run: RequestRun, task: Task, key: K): Promise<NonNullable<Answers[K]>> {
  const ready = () => run.answers[key] !== undefined;
  if (!task.escalated && !(await run.wait(ready, Date.parse(task.dueAt) - run.now()))) {
    task.escalated = true;
    task.assignee = { ...CENTRE };
    await run.record(run.state.status, { event: 'task-escalated', task: task.type, note: `${task.type} task overdue; escalated to the centre's queue` });
    await run.wait(ready);
  }
  const answer = run.answers[key]!;
  run.answers[key] = undefined;
  run.state.tasks = run.state.tasks.filter((t) => t !== task);
  return answer;
}
