import type { Knex } from 'knex';
import type { IllRequest } from '../../rules/types';
import type { RequestEvent, RequestStore, StoredRequest } from './store';

interface RequestRow {
  id: string;
  body: IllRequest;
  workflow_id: string;
  created_at: Date | string;
}

interface EventRow {
  event_key: string;
  request_id: string;
  status: string;
  at: Date | string;
  detail: Record<string, unknown>;
}

const iso = (value: Date | string) => new Date(value).toISOString();

export class KnexRequestStore implements RequestStore {
  constructor(private readonly db: Knex) {}

  async insertRequest(request: IllRequest, workflowId: string): Promise<boolean> {
    const inserted = await this.db('requests')
      .insert({
        id: request.id,
        library_id: request.requester.libraryId,
        patron_id: request.requester.patronId,
        service: request.service,
        urgency: request.urgency,
        body: JSON.stringify(request),
        workflow_id: workflowId,
      })
      .onConflict('id')
      .ignore()
      .returning('id');
    return inserted.length === 1;
  }

  async getRequest(id: string): Promise<StoredRequest | undefined> {
    const row = await this.db<RequestRow>('requests').where({ id }).first();
    return row && { request: row.body, workflowId: row.workflow_id, createdAt: iso(row.created_at) };
  }

  async appendEvent(event: RequestEvent): Promise<boolean> {
    const inserted = await this.db('request_events')
      .insert({
        event_key: event.key,
        request_id: event.requestId,
        status: event.status,
        at: event.at,
        detail: JSON.stringify(event.detail),
      })
      .onConflict('event_key')
      .ignore()
      .returning('seq');
    return inserted.length === 1;
  }

  async listEvents(requestId: string): Promise<RequestEvent[]> {
    const rows = await this.db<EventRow>('request_events').where({ request_id: requestId }).orderBy('seq');
    return rows.map((row) => ({ key: row.event_key, requestId: row.request_id, status: row.status, at: iso(row.at), detail: row.detail }));
  }

  async ping(): Promise<void> {
    await this.db.raw('select 1');
  }
}
